// The dashboard wired to its store and the keyboard: redraws when the store says so (throttled
// there), and turns q and Ctrl-C (which arrive as input, not SIGINT, while stdin is raw) into stop
// requests.
import { render, useInput, type Instance } from 'ink';
import { useSyncExternalStore } from 'react';
import { Dashboard } from './Dashboard.tsx';
import type { DashboardStore } from './dashboardStore.ts';

export type StopKey = 'q' | 'ctrl-c';

export interface LiveDashboardProps {
  store: DashboardStore;
  color: boolean;
  command: string;
  /** Read the keyboard (only where stdin is a TTY: raw mode needs one). */
  keys: boolean;
  onKey: (key: StopKey) => void;
}

export function LiveDashboard({ store, color, command, keys, onKey }: LiveDashboardProps) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') onKey('ctrl-c');
      else if (input === 'q' || input === 'Q') onKey('q');
    },
    { isActive: keys },
  );
  return <Dashboard state={state} color={color} command={command} keys={keys} />;
}

export interface MountOptions extends LiveDashboardProps {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
}

/** Draws the dashboard on a terminal; Ctrl-C is ours to handle (exitOnCtrlC off). */
export function mountDashboard({ stdout, stdin, stderr, ...props }: MountOptions): Instance {
  // maxFps matches the store's throttle: ink never draws more often than the store notifies.
  // patchConsole keeps a stray console.log from tearing the frame; it needs console.Console
  // (absent where a test runner swaps the console).
  const patchConsole = typeof console.Console === 'function';
  return render(<LiveDashboard {...props} />, { stdout, stdin, stderr, exitOnCtrlC: false, maxFps: 4, patchConsole });
}
