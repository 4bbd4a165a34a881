// Pure: results.json -> the long-form rows the chart specs draw. No rendering, no I/O.
import { decodeHistogram } from '../../analyze/latency.ts';
import { median } from '../../analyze/stats.ts';
import { isRecommendedTrial } from '../csv.ts';
import { configLabel } from '../html/format.ts';
import type { RunResults, SoakResults, SweepResults, TrialResult } from '../../contract/results.ts';

/** How far the percentile distribution reaches: 4 nines = p99.99, the HdrHistogram plot's usual end. */
export const MAX_NINES = 4;
const NINES_STEP = 0.05;
const NAMED_PERCENTILES = [50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99];

export interface PercentileRow {
  series: string;
  percentile: number;
  /** 1 / (1 - percentile/100): the "nines" axis, log scale (p90 -> 10, p99 -> 100, p99.99 -> 10^4). */
  nines: number;
  latency_ms: number;
}

/**
 * The HdrHistogram percentile distribution of one encoded histogram: percentiles evenly spaced on
 * the nines axis from p0 to p99.99, each read with HdrHistogram's getValueAtPercentile semantics.
 */
export function percentileRows(encoded: string, series: string, maxNines = MAX_NINES): PercentileRow[] {
  const histogram = decodeHistogram(encoded);
  if (histogram.totalCount === 0) return [];
  const steps = Math.round(maxNines / NINES_STEP);
  const grid = Array.from({ length: steps + 1 }, (_, i) => 100 * (1 - 10 ** -(i * NINES_STEP)));
  // The percentiles people quote are on the curve exactly, not just near a grid point.
  const quoted = NAMED_PERCENTILES.filter((p) => p <= 100 * (1 - 10 ** -maxNines));
  const percentiles = [...new Set([...grid, ...quoted].map((p) => Math.round(p * 1e6) / 1e6))].sort((a, b) => a - b);
  return percentiles.map((percentile) => ({ series, percentile, nines: 1 / (1 - percentile / 100), latency_ms: histogram.getValueAtPercentile(percentile) / 1000 }));
}

/** One curve per counted phase with requests, and the run's total when there is more than one. */
export function runPercentileRows(results: RunResults, prefix = ''): PercentileRow[] {
  const phases = results.phases.filter((p) => p.counted && p.latency_us.count > 0 && p.histogram);
  const rows = phases.flatMap((p) => percentileRows(p.histogram, `${prefix}${p.name}`));
  if (phases.length !== 1 && results.totals.histogram) rows.push(...percentileRows(results.totals.histogram, `${prefix}all counted`));
  return rows;
}

export interface TimeRow {
  t: number;
  series: string;
  value: number;
}

/** Completed requests per second, ok and failed, and per-second p50/p99 (ms) where requests completed. */
export function traffic(results: RunResults): { rate: TimeRow[]; latency: TimeRow[] } {
  const rate: TimeRow[] = [];
  const latency: TimeRow[] = [];
  for (const row of results.timeseries) {
    const errors = Object.values(row.errors).reduce((a, b) => a + b, 0);
    rate.push({ t: row.t, series: 'ok', value: row.ok }, { t: row.t, series: 'errors', value: errors });
    if (row.requests > 0 && row.p99_us > 0) latency.push({ t: row.t, series: 'p50', value: row.p50_us / 1000 }, { t: row.t, series: 'p99', value: row.p99_us / 1000 });
  }
  return { rate, latency };
}

export interface PhaseBand {
  phase: string;
  start: number;
  end: number;
  /** Alternating 0/1 so neighbouring phases are told apart. */
  shade: number;
}

export function phaseBands(results: RunResults): PhaseBand[] {
  return results.phases.map((p, i) => ({ phase: p.name, start: p.started_s, end: p.started_s + p.duration_s, shade: i % 2 }));
}

export function markerRows(results: RunResults): { t: number; kind: string; detail: string }[] {
  return (results.markers ?? []).map((m) => ({ t: m.t, kind: m.kind, detail: m.detail ?? '' }));
}

/**
 * CPU (cores busy: the server, the load generator and the whole machine on one scale), memory (MB,
 * 10^6 bytes, the unit of the soak's slopes) and GPU (%) rows over time from the system samples;
 * absent fields are skipped.
 */
export function systemRows(results: RunResults): { cpu: TimeRow[]; memory: TimeRow[]; gpu: TimeRow[] } {
  const machineCores = results.environment.cores;
  const coresOf = (percentOfOneCore: number | undefined) => (percentOfOneCore === undefined ? undefined : percentOfOneCore / 100);
  const cpu: TimeRow[] = [];
  const memory: TimeRow[] = [];
  const gpu: TimeRow[] = [];
  const push = (into: TimeRow[], t: number, series: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) into.push({ t, series, value });
  };
  for (const s of results.system) {
    const t = Math.round(s.t * 100) / 100;
    push(cpu, t, 'server', coresOf(s.server_cpu_percent));
    push(cpu, t, 'load generator', coresOf(s.loadgen_cpu_percent));
    // machine_cpu_percent is of all cores: as cores busy it sits on the same scale as the processes.
    push(cpu, t, 'machine', s.machine_cpu_percent === undefined || !(machineCores > 0) ? undefined : (s.machine_cpu_percent / 100) * machineCores);
    push(memory, t, 'server RSS', s.server_rss_bytes === undefined ? undefined : s.server_rss_bytes / 1e6);
    push(memory, t, 'server heap', s.server_heap_used_bytes === undefined ? undefined : s.server_heap_used_bytes / 1e6);
    push(memory, t, 'load generator RSS', s.loadgen_rss_bytes === undefined ? undefined : s.loadgen_rss_bytes / 1e6);
    for (const g of s.gpus ?? []) {
      push(gpu, t, `GPU ${g.index} utilisation %`, g.utilization_percent);
      push(gpu, t, `GPU ${g.index} memory %`, g.memory_used_mib !== undefined && g.memory_total_mib ? (100 * g.memory_used_mib) / g.memory_total_mib : undefined);
    }
  }
  return { cpu, memory, gpu };
}

/** The knobs that differ between trials: the only ones worth naming in a legend. */
export function varyingKnobs(sweep: SweepResults): string[] {
  const keys = [...new Set([...Object.keys(sweep.knobs), ...sweep.trials.flatMap((t) => Object.keys(t.config))])];
  const varying = keys.filter((k) => new Set(sweep.trials.map((t) => JSON.stringify(t.config[k]))).size > 1);
  return varying.length > 0 ? varying : keys;
}

export function trialLabel(sweep: SweepResults, trial: TrialResult): string {
  return configLabel(trial.config, varyingKnobs(sweep)) || `trial ${trial.index}`;
}

export { isRecommendedTrial as isRecommended };

export function curveRows(sweep: SweepResults): { config: string; rate: number; throughput_rps: number; p99_ms: number; passed: boolean }[] {
  return sweep.trials.flatMap((trial) =>
    [...trial.points].sort((a, b) => a.rate - b.rate).map((p) => ({ config: trialLabel(sweep, trial), rate: p.rate, throughput_rps: p.throughput_rps, p99_ms: p.p99_us / 1000, passed: p.passed })),
  );
}

export interface CapacityRow {
  config: string;
  capacity_rps: number;
  /** Range of the repeats when the trial was repeated. */
  low?: number;
  high?: number;
  recommended: boolean;
  /** The two swept knobs' values, for a heatmap, and each value's place in the knob's list. */
  a?: string;
  b?: string;
  aOrder?: number;
  bOrder?: number;
}

/** A knob's distinct values in sweep order: numbers ascending, as declared otherwise. */
function knobValues(sweep: SweepResults, knob: string): string[] {
  const values = [...(sweep.knobs[knob] ?? []), ...sweep.trials.map((t) => t.config[knob]).filter((v) => v !== undefined)];
  const unique = [...new Map(values.map((v) => [JSON.stringify(v), v])).values()];
  if (unique.every((v) => typeof v === 'number')) unique.sort((x, y) => (x as number) - (y as number));
  return unique.map((v) => JSON.stringify(v));
}

export function capacityRows(sweep: SweepResults): CapacityRow[] {
  const knobs = varyingKnobs(sweep);
  const order = knobs.length === 2 ? [knobValues(sweep, knobs[0]), knobValues(sweep, knobs[1])] : [];
  return sweep.trials.map((trial) => {
    const repeats = trial.repeats ?? [];
    const show = (k: string | undefined) => (k === undefined || !(k in trial.config) ? undefined : JSON.stringify(trial.config[k]));
    return {
      config: trialLabel(sweep, trial),
      capacity_rps: trial.capacity_rps ?? 0,
      ...(repeats.length > 1 ? { low: Math.min(...repeats), high: Math.max(...repeats) } : {}),
      recommended: isRecommendedTrial(sweep, trial),
      ...(knobs.length === 2 ? { a: show(knobs[0]), b: show(knobs[1]), aOrder: order[0].indexOf(show(knobs[0]) ?? ''), bOrder: order[1].indexOf(show(knobs[1]) ?? '') } : {}),
    };
  });
}

export interface SoakTrend {
  /** Server RSS in MB (10^6 bytes, the unit of the leak slope) against hours. */
  points: { hours: number; series: string; mb: number }[];
  /** Two ends of the fitted line: the stored Theil–Sen slope through the median point after warm-up. */
  fit: { hours: number; mb: number }[];
  limitMb?: number;
  p99: { hours: number; p99_ms: number }[];
}

export function soakTrend(soak: SoakResults): SoakTrend {
  const points: SoakTrend['points'] = [];
  for (const s of soak.samples) {
    const hours = s.t / 3600;
    // RSS only: the leak verdict is about it (the heap is in the system chart).
    if (s.rss_bytes !== undefined) points.push({ hours, series: 'server RSS', mb: s.rss_bytes / 1e6 });
  }
  const fitted = soak.samples.filter((s) => s.rss_bytes !== undefined && s.t >= soak.warmup_s);
  const slope = soak.leak.slope_per_hour;
  let fit: SoakTrend['fit'] = [];
  if (fitted.length >= 2 && Number.isFinite(slope)) {
    // Conover's intercept, as in analyze/trend.ts: median of y - slope * t.
    const intercept = median(fitted.map((s) => s.rss_bytes! / 1e6 - slope * (s.t / 3600)));
    const ends = [fitted[0].t / 3600, fitted[fitted.length - 1].t / 3600];
    fit = ends.map((hours) => ({ hours, mb: intercept + slope * hours }));
  }
  // A limit far above the data would flatten the trend to a line: drawn only when it is near.
  const highest = Math.max(...points.map((p) => p.mb));
  const limitMb = soak.leak.limit_bytes === undefined ? undefined : soak.leak.limit_bytes / 1e6;
  return {
    points,
    fit,
    ...(limitMb !== undefined && limitMb <= highest * 1.25 ? { limitMb } : {}),
    p99: soak.samples.filter((s) => s.p99_us > 0).map((s) => ({ hours: s.t / 3600, p99_ms: s.p99_us / 1000 })),
  };
}
