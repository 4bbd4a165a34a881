// What a long command (run, tune, soak) watches while it works: the dashboard on a terminal, plain
// lines elsewhere, nothing with --quiet; and in every mode, the stop requests (q, Ctrl-C, SIGINT,
// SIGTERM) turned into one graceful onStop, then a forced exit on the second Ctrl-C.
import type { Instance } from 'ink';
import type { RunEvent } from '../contract/events.ts';
import { DashboardStore } from './dashboardStore.ts';
import { plainProgress } from './plainProgress.ts';
import { colorEnabled, selectLiveMode, type LiveMode } from './select.ts';
import { createStopControl, type StopSource } from './stopControl.ts';

export interface LiveViewOptions {
  /** The command, shown in the dashboard's title. */
  command: string;
  /** The flags given on the command line; the view reads `no-dashboard` and `quiet` (src/cli/flags.ts LIVE_VIEW_FLAGS). */
  flags: ReadonlySet<string>;
  /** The first stop request: end the current measurement, write results, stop the server. */
  onStop: () => void;
  /** Terminal and environment (the process's by default; fakes in tests). */
  io?: { stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream; stdin?: NodeJS.ReadStream; env?: Record<string, string | undefined> };
  /** The forced exit on a second Ctrl-C (default: forceExit). */
  exit?: (code: number, source: StopSource) => void;
  /** Where SIGINT/SIGTERM come from (default the process; an EventEmitter in tests, null for none). */
  signals?: Pick<NodeJS.Process, 'on' | 'off'> | null;
}

export interface LiveView {
  mode: LiveMode;
  /** Pass as the runner's onEvent: never blocks, never throws into the runner. */
  onEvent: (event: RunEvent) => void;
  /** Resolves once the view is drawing (the dashboard loads ink in the background meanwhile). */
  ready: Promise<void>;
  /** Draws the last frame and releases the terminal and the signal handlers. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * In raw mode the terminal turns Ctrl-C into a keypress instead of SIGINT to the foreground process
 * group: on a forced exit by Ctrl-C, send the group the SIGINT the terminal would have sent. The
 * servers a run started lead groups of their own; their leashes (runner/orphan.ts) stop them.
 */
export function forceExit(code: number, source: StopSource): void {
  if (source === 'ctrl-c') {
    try {
      process.kill(0, 'SIGINT');
    } catch {
      // No group to signal: exit all the same.
    }
  }
  process.exit(code);
}

const STOPPING = 'servebench: stopping: ending the current measurement, then writing results and stopping the server (Ctrl-C again to exit at once)\n';
const forcedMessage = (source: StopSource) => `servebench: ${source === 'ctrl-c' ? 'Ctrl-C' : source} again: exiting now without writing results\n`;

/** ink and React, in React's production build unless NODE_ENV says otherwise: its development build redraws ~20% slower. */
async function loadDashboard(): Promise<typeof import('./LiveDashboard.tsx')> {
  const unset = process.env.NODE_ENV === undefined;
  // React picks its build when it loads; the variable is put back at once so no child inherits it.
  if (unset) process.env.NODE_ENV = 'production';
  try {
    return await import('./LiveDashboard.tsx');
  } finally {
    if (unset) delete process.env.NODE_ENV;
  }
}

/**
 * The live view, once it is drawing. Loading ink can block the event loop for a second on a busy
 * machine, so commands await this before they measure anything.
 */
export async function startLiveView(options: LiveViewOptions): Promise<LiveView> {
  const view = openLiveView(options);
  await view.ready;
  return view;
}

/** Returns at once, the dashboard loading in the background (events kept in the store meanwhile): for a command with other preparation to overlap; measure only after `ready`. */
export function openLiveView(options: LiveViewOptions): LiveView {
  const stdout = options.io?.stdout ?? process.stdout;
  const stderr = options.io?.stderr ?? process.stderr;
  const stdin = options.io?.stdin ?? process.stdin;
  const env = options.io?.env ?? process.env;
  const exit = options.exit ?? forceExit;
  const signals = options.signals === undefined ? process : options.signals;
  const mode = selectLiveMode({ flags: options.flags, env, stdoutIsTTY: stdout.isTTY === true });
  const plainLines = () => plainProgress({ write: (line) => stderr.write(`${line}\n`), color: colorEnabled(env, stderr.isTTY === true) });

  if (mode !== 'dashboard') {
    const print = mode === 'plain' ? plainLines() : undefined;
    const control = createStopControl({
      graceful: () => {
        stderr.write(STOPPING);
        options.onStop();
      },
      force: (source) => {
        stderr.write(forcedMessage(source));
        exit(130, source);
      },
      signals,
    });
    return { mode, onEvent: (event) => print?.(event), ready: Promise.resolve(), stop: async () => control.dispose() };
  }

  const store = new DashboardStore();
  let instance: Instance | undefined;
  let fallback: ((event: RunEvent) => void) | undefined;
  let closing = false;
  let released: Promise<void> | undefined;
  const control = createStopControl({
    graceful: () => {
      store.dispatch({ type: 'stop-requested' });
      options.onStop();
    },
    force: (source) => {
      // Give the terminal back (raw mode off, cursor shown) before leaving.
      void (released ??= release()).finally(() => {
        stderr.write(forcedMessage(source));
        exit(130, source);
      });
    },
    signals,
  });
  // ink and React load only here: plain runs and CI never pay for them. In the background, so a
  // command can overlap the load with its own preparation (startLiveView simply waits for it).
  const ready = loadDashboard().then(
    ({ mountDashboard }) => {
      if (closing) return;
      instance = mountDashboard({ store, color: colorEnabled(env, true), command: options.command, keys: stdin.isTTY === true, onKey: control.request, stdout, stdin, stderr });
    },
    (err: Error) => {
      stderr.write(`servebench: the dashboard could not start (${err.message}); plain progress instead\n`);
      fallback = plainLines();
    },
  );
  async function release(): Promise<void> {
    closing = true;
    control.dispose();
    await ready;
    if (!instance) return;
    store.flush();
    // Let React commit the flushed state before ink writes its last frame.
    await new Promise((resolve) => setImmediate(resolve));
    instance.unmount();
    await instance.waitUntilExit();
  }
  return {
    mode,
    onEvent: (event) => {
      try {
        if (fallback) fallback(event);
        else store.dispatch(event);
      } catch {
        // A view must never break a run: an event it cannot show is simply not shown.
      }
    },
    ready,
    stop: () => (released ??= release()),
  };
}
