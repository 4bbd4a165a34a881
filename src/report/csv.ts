// summary.csv, timeseries.csv and trials.csv (sweeps) from results.json alone. Column names are an interface
// (documented in the README, pinned by a test): add columns at the end, never rename.
import { stringify } from 'csv-stringify/sync';
import { accountOf } from './accounting.ts';
import type { RunResults, SecondRow, SweepResults, SystemSample, TrialResult } from '../contract/results.ts';
import { msColumn } from '../format/units.ts';


export const SUMMARY_COLUMNS = [
  'phase', 'kind', 'counted', 'started_s', 'duration_s', 'mode', 'rate', 'connections',
  'sent', 'completed', 'ok', 'errors', 'error_rate', 'throughput_rps',
  'p50_ms', 'p90_ms', 'p99_ms', 'p999_ms', 'max_ms', 'mean_ms', 'verdict', 'verdict_passed',
  // Where every request went (report/accounting.ts): requests = ok + errors + timed_out + cut + refused + dropped + aborted + other.
  'requests', 'timed_out', 'cut', 'refused', 'dropped', 'aborted', 'other',
] as const;

export function summaryCsv(results: RunResults): string {
  const rows = results.phases.map((p) => {
    const errors = p.requests.completed - p.requests.ok;
    const a = accountOf(p.requests.outcomes);
    return [
      p.name, p.kind, p.counted, p.started_s.toFixed(3), p.duration_s.toFixed(3), p.load.mode, p.load.rate ?? '', p.load.connections ?? '',
      p.requests.sent, p.requests.completed, p.requests.ok, errors, p.requests.completed > 0 ? (errors / p.requests.completed).toFixed(6) : '',
      p.throughput_rps.toFixed(2), msColumn(p.latency_us.p50), msColumn(p.latency_us.p90), msColumn(p.latency_us.p99), msColumn(p.latency_us.p999), msColumn(p.latency_us.max), msColumn(p.latency_us.mean),
      p.verdict?.kind ?? '', p.verdict ? p.verdict.passed : '',
      a.requests, a.timed_out, a.cut, a.refused, a.dropped, a.aborted, a.other,
    ];
  });
  return stringify([[...SUMMARY_COLUMNS], ...rows]);
}

export const TIMESERIES_COLUMNS = [
  't_s', 'phase', 'requests', 'ok', 'errors', 'error_classes', 'p50_ms', 'p90_ms', 'p99_ms', 'max_ms',
  'machine_cpu_percent', 'server_cpu_percent', 'server_rss_mib', 'loadgen_cpu_percent', 'gpu_utilization_percent', 'gpu_memory_used_mib',
] as const;

function errorClasses(errors: Record<string, number>): string {
  return Object.entries(errors).filter(([, n]) => n > 0).map(([k, n]) => `${k}:${n}`).join(';');
}

export function timeseriesCsv(results: RunResults): string {
  const systemBySecond = new Map<number, SystemSample>();
  for (const s of results.system) systemBySecond.set(Math.floor(s.t), s);
  const fixed = (n: number | undefined, digits = 1) => (n === undefined ? '' : n.toFixed(digits));
  const rows = results.timeseries.map((r: SecondRow) => {
    const sys = systemBySecond.get(r.t);
    const gpu = sys?.gpus?.[0];
    const errorTotal = Object.values(r.errors).reduce((a, b) => a + b, 0);
    return [
      r.t, r.phase, r.requests, r.ok, errorTotal, errorClasses(r.errors), msColumn(r.p50_us), msColumn(r.p90_us), msColumn(r.p99_us), msColumn(r.max_us),
      fixed(sys?.machine_cpu_percent), fixed(sys?.server_cpu_percent), sys?.server_rss_bytes === undefined ? '' : (sys.server_rss_bytes / 2 ** 20).toFixed(1),
      fixed(sys?.loadgen_cpu_percent), fixed(gpu?.utilization_percent), fixed(gpu?.memory_used_mib, 0),
    ];
  });
  return stringify([[...TIMESERIES_COLUMNS], ...rows]);
}

/** p99 of the highest-rate point that met the SLO: the latency a trial's capacity comes with. */
export function p99AtCapacity(trial: TrialResult): number | undefined {
  if (trial.capacity_rps === null) return undefined;
  const passed = trial.points.filter((p) => p.passed).sort((a, b) => a.rate - b.rate);
  return passed.length > 0 ? passed[passed.length - 1].p99_us : undefined;
}

/** trials.csv: the fixed columns; the swept knobs' columns sit between index and capacity_rps. */
export const TRIALS_COLUMNS = ['index', 'capacity_rps', 'repeats', 'p99_ms_at_capacity', 'server_rss_mib', 'server_cpu_percent', 'server_main_thread_cpu_percent', 'gpu_utilization_percent', 'points', 'duration_s', 'recommended', 'startup_ms'] as const;

/** Knob columns: the sweep's knobs in their declared order, then any other setting a trial carried. */
export function trialKnobColumns(sweep: SweepResults): string[] {
  return [...new Set([...Object.keys(sweep.knobs), ...sweep.trials.flatMap((t) => Object.keys(t.config))])];
}

const sameConfig = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));

/** The trial whose configuration the sweep recommended. */
export function isRecommendedTrial(sweep: SweepResults, trial: TrialResult): boolean {
  return sweep.recommendation !== undefined && sameConfig(sweep.recommendation.config, trial.config);
}

/** One row per sweep trial; empty string when the run has no sweep (not written then). */
export function trialsCsv(results: RunResults): string {
  const sweep = results.sweep;
  if (!sweep) return '';
  const knobs = trialKnobColumns(sweep);
  const fixed = (n: number | undefined, digits = 1) => (n === undefined ? '' : n.toFixed(digits));
  const rows = sweep.trials.map((t) => {
    const knobValues = knobs.map((k) => {
      const v = t.config[k];
      return v === undefined ? '' : Array.isArray(v) ? v.join(';') : v;
    });
    return [
      t.index, ...knobValues, t.capacity_rps === null ? '' : t.capacity_rps.toFixed(2), (t.repeats ?? []).map((r) => r.toFixed(2)).join(';'),
      msColumn(p99AtCapacity(t)), t.server_rss_bytes === undefined ? '' : (t.server_rss_bytes / 2 ** 20).toFixed(1), fixed(t.server_cpu_percent),
      fixed(t.server_main_thread_cpu_percent), fixed(t.gpu_utilization_percent), t.points.length, t.duration_s.toFixed(1), isRecommendedTrial(sweep, t), t.startup_ms ?? '',
    ];
  });
  const [first, ...rest] = TRIALS_COLUMNS;
  return stringify([[first, ...knobs, ...rest], ...rows]);
}
