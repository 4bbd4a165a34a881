// Numbers as servebench shows them, in one place: latency from microseconds, durations, shares,
// sizes. Each name is one format; two exist side by side only where their readers differ (a CSV
// column keeps one unit so it parses, a terminal column stays narrow, prose has a space before
// the unit). Imports nothing, so every folder may use it.

/** Up to three decimals, trailing zeros dropped: 63.2, 1.5, 0.123. */
export function formatNumber(x: number, decimals = 3): string {
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toFixed(decimals)));
}

/** A share (0..1) as a percent, trailing zeros dropped: 0.015 -> `1.5%`. */
export function formatPercent(ratio: number): string {
  return `${formatNumber(ratio * 100)}%`;
}

/** A duration in milliseconds, in the largest unit that keeps it >= 1: `250us`, `63.2ms`, `1.5s`, `2m`, `8h` (scenario syntax: it parses back). */
export function formatDurationMs(ms: number): string {
  const abs = Math.abs(ms);
  if (abs === 0) return '0ms';
  if (abs < 1) return `${formatNumber(ms * 1000)}us`;
  if (abs < 1000) return `${formatNumber(ms)}ms`;
  if (abs < 60_000) return `${formatNumber(ms / 1000)}s`;
  if (abs < 3_600_000) return `${formatNumber(ms / 60_000)}m`;
  return `${formatNumber(ms / 3_600_000)}h`;
}

/** Bytes in binary units: `512 B`, `1.5 KiB`, `4 GiB`. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${formatNumber(value, 2)} ${units[i]}`;
}

/** CPU as cores busy, from a percent of one core (top's convention: 250% = `2.50 cores`): processes and machines on one scale. */
export function coresText(percentOfOneCore: number): string {
  return `${(percentOfOneCore / 100).toFixed(2)} cores`;
}

/** Requests per second in a sentence, whole: `1530 rps`. */
export function rpsText(perSecond: number): string {
  return `${Math.round(perSecond)} rps`;
}

/** Memory in whole binary megabytes, for a sentence: `412 MiB`. */
export function mibText(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}

/** Microseconds as a CSV column in milliseconds, fixed decimals: `4.200` (users parse it; never change its form). */
export function msColumn(us: number | undefined, decimals = 3): string {
  return us === undefined ? '' : (us / 1000).toFixed(decimals);
}

/** Microseconds in milliseconds, trailing zeros dropped: `0.5 ms`, `8.7 ms`, `113 ms` (a knob or a value quoted in a sentence). */
export function msText(us: number, decimals = 1): string {
  return `${+(us / 1000).toFixed(decimals)} ms`;
}

/** Latency in prose and reports, the unit by size: `850 µs`, `4.20 ms`, `12.3 ms`, `460 ms`; `–` when unknown. */
export function latencyText(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return '–';
  if (us >= 100_000) return `${(us / 1000).toFixed(0)} ms`;
  if (us >= 1000) return `${(us / 1000).toFixed(us >= 10_000 ? 1 : 2)} ms`;
  return `${us.toFixed(0)} µs`;
}

/** Latency in a run's summary table, no space: `850µs`, `4.2ms`, `120ms`. */
export function latencyCell(us: number): string {
  if (us >= 100_000) return `${(us / 1000).toFixed(0)}ms`;
  if (us >= 1000) return `${(us / 1000).toFixed(1)}ms`;
  return `${us.toFixed(0)}µs`;
}

/** Latency in the live view's narrow columns, seconds past one: `850µs`, `4.20ms`, `120ms`, `2.3s`; `-` when none yet. */
export function latencyLive(us: number): string {
  if (!Number.isFinite(us) || us <= 0) return '-';
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 10_000) return `${(us / 1000).toFixed(2)}ms`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(0)}ms`;
  return `${(us / 1e6).toFixed(1)}s`;
}
