// CPU time and resident memory of one process by PID. On Linux straight from /proc (about 1 ms
// a read, where systeminformation's processLoad costs ~140 ms and 30 ms of CPU a call, and
// selects by process name, not PID); elsewhere from `ps`.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface ProcessUsage {
  /** User + system CPU time since the process started, ms. */
  cpuMs: number;
  rssBytes: number;
  /**
   * The main thread's share of cpuMs (Linux only). For a Node server that is the event loop: HTTP,
   * decoding, batching. When it nears one core it bounds the server whatever its worker threads do.
   */
  mainThreadCpuMs?: number;
}

let clockTicks: Promise<number> | undefined;

/** USER_HZ, the unit of /proc/<pid>/stat times: `getconf CLK_TCK`, 100 on every common kernel. */
function clockTicksPerSecond(): Promise<number> {
  clockTicks ??= new Promise((resolve) => {
    execFile('getconf', ['CLK_TCK'], { timeout: 2_000 }, (error, stdout) => {
      const ticks = Number(String(stdout).trim());
      resolve(!error && ticks > 0 ? ticks : 100);
    });
  });
  return clockTicks;
}

/** Usage of `pid`, or null when it does not exist (any more). */
export async function readProcessUsage(pid: number): Promise<ProcessUsage | null> {
  return process.platform === 'linux' ? readProc(pid) : readPs(pid);
}

async function readProc(pid: number): Promise<ProcessUsage | null> {
  let stat: string;
  let status: string;
  let mainStat: string | undefined;
  try {
    [stat, status, mainStat] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/status`, 'utf8'),
      // The main thread's task id is the PID.
      readFile(`/proc/${pid}/task/${pid}/stat`, 'utf8').catch(() => undefined),
    ]);
  } catch {
    return null;
  }
  const cpuTicks = parseProcStatCpuTicks(stat);
  const rssBytes = parseProcStatusRss(status);
  if (cpuTicks === null || rssBytes === null) return null;
  const mainTicks = mainStat === undefined ? null : parseProcStatCpuTicks(mainStat);
  const msPerTick = 1000 / (await clockTicksPerSecond());
  return { cpuMs: cpuTicks * msPerTick, rssBytes, ...(mainTicks !== null ? { mainThreadCpuMs: mainTicks * msPerTick } : {}) };
}

/**
 * The fields of a /proc/<pid>/stat line after the `)` that closes comm (which may hold spaces and
 * parentheses): [0] is field 3 (state), so field n of proc(5) is [n - 3].
 */
export function procStatFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime (fields 14 and 15) of /proc/<pid>/stat. */
export function parseProcStatCpuTicks(stat: string): number | null {
  const fields = procStatFields(stat);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : null;
}

/** VmRSS of /proc/<pid>/status, in bytes; null for a zombie (no VmRSS line). */
export function parseProcStatusRss(status: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : null;
}

function readPs(pid: number): Promise<ProcessUsage | null> {
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'rss=,time=', '-p', String(pid)], { timeout: 2_000 }, (error, stdout) => {
      const [rss, time] = String(stdout).trim().split(/\s+/);
      const cpuMs = time === undefined ? null : parsePsTime(time);
      if (error || !rss || cpuMs === null) resolve(null);
      else resolve({ cpuMs, rssBytes: Number(rss) * 1024 });
    });
  });
}

/** ps's cumulative CPU time: `[[dd-]hh:]mm:ss[.cc]`, in ms. */
export function parsePsTime(time: string): number | null {
  const match = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(time);
  if (!match) return null;
  const [, days = '0', hours = '0', minutes, seconds] = match;
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000;
}
