// The one guard against an orphaned server: every server the harness launches is leashed to it.
// Killed without a chance to clean up (kill -9, the OOM killer, a forced exit), the harness would
// leave its server running, holding cores and memory for the rest of the night. The leash is a tiny
// shell holding the read end of a pipe whose write end only the harness holds: when the harness
// dies, however it dies, the kernel closes the pipe, the shell reads end-of-file and stops the
// server (SIGTERM, then SIGKILL to its process group after 5 s). A clean stop releases it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { procStatFields } from '../measure/processUsage.ts';

const SCRIPT = [
  "trap '' INT TERM HUP", // Ctrl-C reaches the whole process group; the leash must outlive it
  'if read -r _line; then exit 0; fi', // a line: released; end-of-file: the harness is gone
  'kill -TERM "$1" 2>/dev/null || exit 0',
  'i=0; while [ $i -lt 50 ] && kill -0 "$1" 2>/dev/null; do sleep 0.1; i=$((i+1)); done',
  'kill -KILL "$1" 2>/dev/null',
  // A launched server leads a process group of its own: helpers it spawned (Triton's stubs, TorchServe's workers) go too.
  'kill -KILL "-$1" 2>/dev/null; exit 0',
].join('\n');

export interface Leash {
  /** The shell's PID. */
  pid: number;
  /** Lets go without touching the server (the harness stops it itself); resolves when the shell exited. */
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

/** Runs (a zombie waiting for a reaper that never comes, as in some containers, does not count). */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return procStatFields(stat)[0] !== 'Z';
  } catch {
    return false;
  }
}
