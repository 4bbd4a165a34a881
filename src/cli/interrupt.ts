// Ctrl-C for commands without a live view (gate, serve): the first SIGINT/SIGTERM/SIGHUP asks for a
// graceful stop, the second exits at once (130). Commands with a live view get the same through
// startLiveView (src/ui/liveView.ts); both are ui/stopControl.ts, the one place signals are heard.
import { createStopControl, type StopSource } from '../ui/stopControl.ts';

/** Signals only (commands without a live view): graceful first, exit 130 on the second. */
export function onInterrupt(graceful: (source: StopSource) => void, forcedMessage = (source: StopSource) => `servebench: second ${source}: exiting now\n`): () => void {
  const control = createStopControl({
    graceful,
    force: (source) => {
      process.stderr.write(forcedMessage(source));
      process.exit(130);
    },
  });
  return () => control.dispose();
}
