// Stopping a long command (run, tune, soak): the first request (SIGINT, SIGTERM, SIGHUP, or q / Ctrl-C typed into the
// dashboard, where raw mode turns Ctrl-C into input instead of a signal) asks for a graceful stop;
// a second Ctrl-C or signal forces. Both paths count together, so the keyboard and the signal
// behave alike.
export type StopSource = 'SIGINT' | 'SIGTERM' | 'q' | 'ctrl-c';

export interface StopControl {
  request(source: StopSource): void;
  readonly requested: boolean;
  /** Stops listening to the process's signals. */
  dispose(): void;
}

export interface StopControlOptions {
  graceful: (source: StopSource) => void;
  force: (source: StopSource) => void;
  /** Where signals come from (the process; an EventEmitter in tests). */
  signals?: Pick<NodeJS.Process, 'on' | 'off'> | null;
}

export function createStopControl({ graceful, force, signals = process }: StopControlOptions): StopControl {
  let requested = false;
  const request = (source: StopSource) => {
    if (!requested) {
      requested = true;
      graceful(source);
      return;
    }
    // q again only repeats the graceful request; forcing takes Ctrl-C or a signal.
    if (source !== 'q') force(source);
  };
  // SIGHUP (the terminal closed) too: the servers a run starts lead process groups of their own, so
  // the hang-up reaches only the harness, which must then stop them.
  const onSignal = (signal: NodeJS.Signals) => request(signal === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
  signals?.on('SIGINT', onSignal);
  signals?.on('SIGTERM', onSignal);
  signals?.on('SIGHUP', onSignal);
  return {
    request,
    get requested() {
      return requested;
    },
    dispose() {
      signals?.off('SIGINT', onSignal);
      signals?.off('SIGTERM', onSignal);
      signals?.off('SIGHUP', onSignal);
    },
  };
}
