// Where the machine's CPU went during a measurement: the server child, this process (the load
// generator) and everything else. Linux /proc only; elsewhere every reading is undefined.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseProcStat } from '../../src/measure/machineCpu.ts';
import { parseProcStatCpuTicks } from '../../src/measure/processUsage.ts';

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

/** Seconds of CPU from a /proc reading in clock ticks; undefined off Linux or when the file is gone. */
function procSeconds(path: string, ticksOf: (text: string) => number | null): number | undefined {
  try {
    const ticks = ticksOf(readFileSync(path, 'utf8'));
    return ticks === null ? undefined : ticks / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function snapshot(childPid: number | undefined): Snapshot {
  const self = process.cpuUsage();
  return {
    at: performance.now(),
    self: (self.user + self.system) / 1e6,
    child: childPid === undefined ? 0 : procSeconds(`/proc/${childPid}/stat`, parseProcStatCpuTicks),
    machineBusy: procSeconds('/proc/stat', (text) => parseProcStat(text).busy),
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
