// Ctrl-C for commands without a live view: the first SIGINT/SIGTERM asks for a graceful stop, the
// second exits at once. Commands with a live view get the same through startLiveView (src/ui/liveView.ts).
import { createStopControl } from '../ui/stopControl.ts';

/** Signals only (commands without a live view): graceful first, exit 130 on the second. */
export function onInterrupt(graceful: () => void): () => void {
  const control = createStopControl({
    graceful: () => graceful(),
    force: (source) => {
      process.stderr.write(`servebench: second ${source}: exiting now\n`);
      process.exit(130);
    },
  });
  return () => control.dispose();
}
