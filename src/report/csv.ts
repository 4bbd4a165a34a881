// summary.csv and timeseries.csv from results.json alone. Column names are an interface
// (documented in the README, pinned by a test): add columns at the end, never rename.
import { stringify } from 'csv-stringify/sync';
import type { RunResults, SecondRow, SystemSample } from './results.ts';

const ms = (us: number | undefined) => (us === undefined ? '' : (us / 1000).toFixed(3));

export const SUMMARY_COLUMNS = [
  'phase', 'kind', 'counted', 'started_s', 'duration_s', 'mode', 'rate', 'connections',
  'sent', 'completed', 'ok', 'errors', 'error_rate', 'throughput_rps',
  'p50_ms', 'p90_ms', 'p99_ms', 'p999_ms', 'max_ms', 'mean_ms', 'verdict', 'verdict_passed',
] as const;

export function summaryCsv(results: RunResults): string {
  const rows = results.phases.map((p) => {
    const errors = p.requests.completed - p.requests.ok;
    return [
      p.name, p.kind, p.counted, p.started_s.toFixed(3), p.duration_s.toFixed(3), p.load.mode, p.load.rate ?? '', p.load.connections ?? '',
      p.requests.sent, p.requests.completed, p.requests.ok, errors, p.requests.completed > 0 ? (errors / p.requests.completed).toFixed(6) : '',
      p.throughput_rps.toFixed(2), ms(p.latency_us.p50), ms(p.latency_us.p90), ms(p.latency_us.p99), ms(p.latency_us.p999), ms(p.latency_us.max), ms(p.latency_us.mean),
      p.verdict?.kind ?? '', p.verdict ? p.verdict.passed : '',
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
      r.t, r.phase, r.requests, r.ok, errorTotal, errorClasses(r.errors), ms(r.p50_us), ms(r.p90_us), ms(r.p99_us), ms(r.max_us),
      fixed(sys?.machine_cpu_percent), fixed(sys?.server_cpu_percent), sys?.server_rss_bytes === undefined ? '' : (sys.server_rss_bytes / 2 ** 20).toFixed(1),
      fixed(sys?.loadgen_cpu_percent), fixed(gpu?.utilization_percent), fixed(gpu?.memory_used_mib, 0),
    ];
  });
  return stringify([[...TIMESERIES_COLUMNS], ...rows]);
}
