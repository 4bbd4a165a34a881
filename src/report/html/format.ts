// Numbers as a person reads them in a report: rates, shares, sizes, durations (latency: src/format's latencyText).
import { coresText } from '../../format/units.ts';

export function rate(rps: number | null | undefined): string {
  if (rps === null || rps === undefined || !Number.isFinite(rps)) return '–';
  return `${rps >= 100 ? rps.toFixed(0) : rps.toFixed(1)}/s`;
}

export function share(ratio: number | null | undefined, digits = 2): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${(ratio * 100).toFixed(digits)}%`;
}

/**
 * Memory on a report page, always in decimal units (MB = 10^6 bytes, GB = 10^9): the unit of the
 * soak's leak slope and thresholds (MB/hour), so a page never shows MB beside MiB.
 */
export function megabytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** CPU as cores busy, from a percent of one core (top's convention: 250% = 2.5 cores). */
export function cores(percentOfOneCore: number | null | undefined): string {
  if (percentOfOneCore === null || percentOfOneCore === undefined || !Number.isFinite(percentOfOneCore)) return '–';
  return coresText(percentOfOneCore);
}

export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '–';
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  if (s >= 120) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${s.toFixed(1)} s`;
}

/**
 * Change of b against a: signed percent within a factor of ten (`+12.3%`), a ratio beyond it
 * (`×2371`, `×0.0042`): +237012% reads as noise, ×2371 as what it is. `–` when a is 0.
 */
export function delta(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === 0) return '–';
  const ratio = b / a;
  if (ratio >= 10) return `×${ratio >= 100 ? ratio.toFixed(0) : ratio.toFixed(1)}`;
  if (ratio > 0 && ratio <= 0.1) return `×${ratio.toPrecision(2)}`;
  const change = ((b - a) / Math.abs(a)) * 100;
  return `${change >= 0 ? '+' : ''}${change.toFixed(1)}%`;
}

/** A sweep configuration as `workers=2 max_batch_size=16` (arrays as `[8,16]`). */
export function configLabel(config: Record<string, number | number[]>, keys: readonly string[] = Object.keys(config)): string {
  return keys.filter((k) => k in config).map((k) => `${k}=${Array.isArray(config[k]) ? `[${(config[k] as number[]).join(',')}]` : config[k]}`).join(' ');
}

/** A number to fixed digits, `n/a` when absent or not finite (NaN is written null in JSON). */
export function fixed(n: number | null | undefined, digits: number): string {
  return typeof n === 'number' && Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** A phase's load as a person reads it: `open 500/s`, `closed 8 conn`. */
export function loadLabel(load: { mode: 'open' | 'closed'; rate?: number; connections?: number }): string {
  return load.mode === 'open' ? `open ${load.rate ?? '?'}/s` : `closed ${load.connections ?? '?'} conn`;
}
