// Ties the embedded server's life to the harness's. Killed without a chance to clean up (kill -9,
// the OOM killer), a soak would leave its server running, orphaned, for the rest of the night.
// The leash is a tiny shell holding the read end of a pipe whose write end only the harness holds:
// when the harness dies, however it dies, the kernel closes the pipe, the shell reads end-of-file
// and stops the server (SIGTERM, then SIGKILL after 5 s). A clean end releases it with one line.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const SCRIPT = [
  "trap '' INT TERM HUP", // Ctrl-C reaches the whole process group; the leash must outlive it
  'if read -r _line; then exit 0; fi', // a line: released; end-of-file: the harness is gone
  'kill -TERM "$1" 2>/dev/null || exit 0',
  'i=0; while [ $i -lt 50 ] && kill -0 "$1" 2>/dev/null; do sleep 0.1; i=$((i+1)); done',
  'kill -KILL "$1" 2>/dev/null; exit 0',
].join('\n');

export interface Leash {
  /** The shell's PID. */
  pid: number;
  /** Lets go without touching the server (the soak stops it itself); resolves when the shell exited. */
  release(): Promise<void>;
}

/** Leashes `serverPid` to this process; undefined where there is no POSIX shell (Windows). */
export function leashServer(serverPid: number): Leash | undefined {
  if (process.platform === 'win32') return undefined;
  const child: ChildProcess = spawn('/bin/sh', ['-c', SCRIPT, 'servebench-leash', String(serverPid)], { stdio: ['pipe', 'ignore', 'ignore'] });
  child.stdin!.on('error', () => undefined); // the shell already gone: nothing to release
  const exited = once(child, 'exit').then(() => undefined, () => undefined);
  let released: Promise<void> | undefined;
  return {
    pid: child.pid!,
    release() {
      released ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.stdin!.end('release\n');
        await exited;
      })();
      return released;
    },
  };
}
