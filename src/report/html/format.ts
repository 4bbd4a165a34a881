// Numbers as a person reads them in a report: latency in ms/µs, rates, shares, sizes, durations.

export function latency(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return '–';
  if (us >= 100_000) return `${(us / 1000).toFixed(0)} ms`;
  if (us >= 1000) return `${(us / 1000).toFixed(us >= 10_000 ? 1 : 2)} ms`;
  return `${us.toFixed(0)} µs`;
}

export function rate(rps: number | null | undefined): string {
  if (rps === null || rps === undefined || !Number.isFinite(rps)) return '–';
  return `${rps >= 100 ? rps.toFixed(0) : rps.toFixed(1)}/s`;
}

export function share(ratio: number | null | undefined, digits = 2): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function mib(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '–';
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  if (s >= 120) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${s.toFixed(1)} s`;
}

/** Relative change of b against a, signed: `+12.3%`; `–` when a is 0. */
export function delta(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === 0) return '–';
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
