// Where the machine's CPU went during a measurement: the server child, this process (the load
// generator) and everything else. Linux /proc only; elsewhere every reading is undefined.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux we run on

interface Snapshot {
  at: number;
  self: number;
  child?: number;
  machineBusy?: number;
}

export interface CpuSplit {
  /** Cores, averaged over the measurement; 0 when no child was watched. */
  server: number;
  loadGenerator: number;
  /** Busy cores not accounted to the two above (other users of the machine). */
  other: number;
  cores: number;
}

function readTicks(path: string, pick: (fields: number[]) => number): number | undefined {
  try {
    return pick(readFileSync(path, 'utf8').trim().split(/\s+/).map(Number)) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** utime + stime of a process, all threads; fields after the `(comm)` field, which may hold spaces. */
function processSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return (fields[11] + fields[12]) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function snapshot(childPid: number | undefined): Snapshot {
  const self = process.cpuUsage();
  return {
    at: performance.now(),
    self: (self.user + self.system) / 1e6,
    child: childPid === undefined ? 0 : processSeconds(childPid),
    // /proc/stat's first line: user nice system idle iowait irq softirq steal...; busy = all but idle and iowait.
    machineBusy: readTicks('/proc/stat', (f) => f.slice(1, 9).reduce((a, b) => a + b, 0) - f[4] - f[5]),
  };
}

/**
 * Starts watching; the returned function ends the watch and gives the split (undefined off Linux).
 * Without a child, `loadGenerator` is simply this process (e.g. an in-process raw measurement).
 */
export function watchCpu(childPid?: number): () => CpuSplit | undefined {
  const start = snapshot(childPid);
  return () => {
    const end = snapshot(childPid);
    const seconds = (end.at - start.at) / 1000;
    if (start.child === undefined || end.child === undefined || start.machineBusy === undefined || end.machineBusy === undefined) return undefined;
    const server = (end.child - start.child) / seconds;
    const loadGenerator = (end.self - start.self) / seconds;
    const busy = (end.machineBusy - start.machineBusy) / seconds;
    return { server, loadGenerator, other: Math.max(0, busy - server - loadGenerator), cores: availableParallelism() };
  };
}
