// Which live view a command gets, decided from the terminal, the environment and the flags alone
// (pure, so every combination is tested): the dashboard only where a person watches a terminal.
export type LiveMode = 'dashboard' | 'plain' | 'quiet';

export interface ModeInputs {
  /** The flags given (`no-dashboard`, `quiet`). */
  flags: ReadonlySet<string>;
  env: Record<string, string | undefined>;
  stdoutIsTTY: boolean;
}

/** `CI=true` and friends, the way CI systems (and ink's is-in-ci) mean it: set and not 0/false. */
export function isCI(env: Record<string, string | undefined>): boolean {
  const on = (name: string) => env[name] !== undefined && env[name] !== '' && env[name] !== '0' && env[name]!.toLowerCase() !== 'false';
  return on('CI') || on('CONTINUOUS_INTEGRATION');
}

export function selectLiveMode({ flags, env, stdoutIsTTY }: ModeInputs): LiveMode {
  if (flags.has('quiet')) return 'quiet';
  if (flags.has('no-dashboard') || !stdoutIsTTY || isCI(env) || env.TERM === 'dumb') return 'plain';
  return 'dashboard';
}

/** no-color.org: NO_COLOR present and not empty turns colour off; otherwise colour only on a terminal. */
export function colorEnabled(env: Record<string, string | undefined>, streamIsTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return streamIsTTY && env.TERM !== 'dumb';
}
