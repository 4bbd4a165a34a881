// Whole-machine CPU use between two readings. On Linux straight from /proc/stat with an async
// read: systeminformation's currentLoad runs `execSync('cat /proc/stat | grep cpu')` on every
// call, which blocked the load generator's event loop for ~20-30 ms each second on 2 cores and
// showed up as the open loop's p99. Elsewhere from os.cpus() (on Linux that reads /proc/stat too,
// so it is no fallback there: an unreadable /proc/stat is an error the sampler notes).
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';

/** Cumulative CPU time of all cores, in any one unit (clock ticks on Linux, ms from os.cpus()). */
export interface CpuTimes {
  busy: number;
  total: number;
}

/**
 * The aggregate `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal guest
 * guest_nice. guest and guest_nice are already counted in user and nice, so they are left out;
 * idle and iowait are the time no task ran.
 */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error('/proc/stat has no aggregate "cpu" line');
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 4 || fields.some((x) => !Number.isFinite(x))) throw new Error(`/proc/stat: cannot read the "cpu" line: ${line}`);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = fields[3] + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** Percent of all cores busy between two readings (0..100), or undefined when no time passed. */
export function busyPercent(from: CpuTimes, to: CpuTimes): number | undefined {
  const total = to.total - from.total;
  if (!(total > 0)) return undefined;
  return Math.min(100, Math.max(0, ((to.busy - from.busy) / total) * 100));
}

function fromOsCpus(): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

export async function readCpuTimes(): Promise<CpuTimes> {
  return process.platform === 'linux' ? parseProcStat(await readFile('/proc/stat', 'utf8')) : fromOsCpus();
}

/** Each call: percent of the machine busy since the previous call (undefined on the first). */
export function machineCpuMeter(read: () => Promise<CpuTimes> = readCpuTimes): () => Promise<number | undefined> {
  let last: CpuTimes | undefined;
  return async () => {
    const now = await read();
    const percent = last ? busyPercent(last, now) : undefined;
    last = now;
    return percent;
  };
}
