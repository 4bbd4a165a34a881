// Short, fixed-width renderings of the numbers a live view shows (shared by the dashboard and the
// plain progress lines): latency from microseconds, sizes, durations, server knob sets.
import type { TrialConfig } from '../runner/events.ts';

/** Microseconds as the unit a person reads: 850µs, 4.20ms, 120ms, 2.3s. */
export function formatLatency(us: number): string {
  if (!Number.isFinite(us) || us <= 0) return '-';
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 10_000) return `${(us / 1000).toFixed(2)}ms`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(0)}ms`;
  return `${(us / 1e6).toFixed(1)}s`;
}

/** Bytes in binary units (MiB for server RSS), one decimal. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
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
