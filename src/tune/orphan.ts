// A tuning run killed with SIGKILL cannot stop its embedded server: the server lives on, holding
// cores the resumed run would measure against. The run folder records the server's PID and its
// start time (/proc/<pid>/stat starttime, so a later process that reuses the PID is never hit);
// a resume stops that server if it still runs.
import { readFile } from 'node:fs/promises';
import { procStatFields } from '../measure/processUsage.ts';
import type { ServerRecord } from './store.ts';

/** Field 22 of /proc/<pid>/stat (starttime, clock ticks after boot), or undefined off Linux / when gone. */
export async function processStartTicks(pid: number): Promise<number | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(procStatFields(stat)[22 - 3]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
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

/**
 * Stops the server a killed run left behind: SIGTERM, then SIGKILL after graceMs. Only when the PID
 * still belongs to the recorded process (same start time); without a start time to compare, it is
 * left alone. Resolves with what was done, for a note in the results.
 */
export async function stopOrphanServer(record: ServerRecord, graceMs = 5000): Promise<string | undefined> {
  if (record.start_ticks === undefined || !(await isRunning(record.pid))) return undefined;
  if ((await processStartTicks(record.pid)) !== record.start_ticks) return undefined;
  process.kill(record.pid, 'SIGTERM');
  const deadline = performance.now() + graceMs;
  // A process that is not our child gives no exit event: poll its existence until the deadline.
  while ((await isRunning(record.pid)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (await isRunning(record.pid)) process.kill(record.pid, 'SIGKILL');
  // The servers a run starts lead a process group of their own (serverProcess.ts): helpers they
  // spawned (Triton's stubs, TorchServe's workers) are in it and go too.
  try {
    process.kill(-record.pid, 'SIGKILL');
  } catch {
    // No such group left.
  }
  return `stopped the server (PID ${record.pid}) left running by the interrupted run`;
}
