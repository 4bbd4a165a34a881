// Short, fixed-width renderings of the numbers a live view shows (shared by the dashboard and the
// plain progress lines): sizes, durations, server knob sets. Latency is src/format's latencyLive.
import type { TrialConfig } from '../contract/events.ts';
import { coresText } from '../format/units.ts';

/** Bytes in decimal units (MB = 10^6 bytes, as the soak's MB/h slope), one decimal: one memory unit on the screen. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '-';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** CPU as cores busy from a percent of one core (top's 250% = 2.50 cores): processes and the machine on one scale. */
export function formatCores(percentOfOneCore: number | undefined): string {
  return percentOfOneCore === undefined || !Number.isFinite(percentOfOneCore) ? '-' : coresText(percentOfOneCore);
}

/** The whole machine's CPU (percent of all its cores) as cores busy of its cores: `1.94 of 2 cores`. */
export function formatMachineCores(percentOfMachine: number | undefined, machineCores: number): string {
  return percentOfMachine === undefined || !Number.isFinite(percentOfMachine) ? '-' : `${((percentOfMachine / 100) * machineCores).toFixed(2)} of ${machineCores} cores`;
}

/** Seconds as 42s, 4m05s, 2h03m: a countdown a person can read at a glance. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '-';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatRate(perSecond: number): string {
  return perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1).replace(/\.0$/, '');
}

export function formatPercent(percent: number | undefined): string {
  return percent === undefined || !Number.isFinite(percent) ? '-' : `${percent.toFixed(0)}%`;
}

/** `{workers: 2, max_batch_size: 16}` -> `workers=2 max_batch_size=16` (lists joined by commas). */
export function formatConfig(config: TrialConfig): string {
  const parts = Object.entries(config).map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : value}`);
  return parts.length > 0 ? parts.join(' ') : '(defaults)';
}

/** `status_503=3 timeout=1`, largest first; '' when there is none. */
export function formatCounts(counts: Record<string, number>, limit = 4): string {
  const entries = Object.entries(counts).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const shown = entries.slice(0, limit).map(([k, n]) => `${k}=${n}`);
  if (entries.length > limit) shown.push(`+${entries.length - limit} more`);
  return shown.join(' ');
}

/** Signed slope, e.g. `+1.2 MiB/h`. */
export function formatSlope(mbPerHour: number | undefined): string {
  if (mbPerHour === undefined || !Number.isFinite(mbPerHour)) return '-';
  return `${mbPerHour >= 0 ? '+' : ''}${mbPerHour.toFixed(mbPerHour !== 0 && Math.abs(mbPerHour) < 10 ? 2 : 1)} MB/h`;
}
