// The CSV files' columns are an interface: pinned here, documented in README.md.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUMMARY_COLUMNS, TIMESERIES_COLUMNS, TRIALS_COLUMNS, p99AtCapacity, summaryCsv, timeseriesCsv, trialsCsv } from '../../src/report/csv.ts';
import { fixture, parseCsv as rows } from './helpers.ts';

describe('CSV columns', () => {
  it('summary.csv, timeseries.csv and trials.csv keep their column names', () => {
    expect(SUMMARY_COLUMNS).toEqual([
      'phase', 'kind', 'counted', 'started_s', 'duration_s', 'mode', 'rate', 'connections',
      'sent', 'completed', 'ok', 'errors', 'error_rate', 'throughput_rps',
      'p50_ms', 'p90_ms', 'p99_ms', 'p999_ms', 'max_ms', 'mean_ms', 'verdict', 'verdict_passed',
      'requests', 'timed_out', 'cut', 'refused', 'dropped', 'aborted', 'other',
    ]);
    expect(TIMESERIES_COLUMNS).toEqual([
      't_s', 'phase', 'requests', 'ok', 'errors', 'error_classes', 'p50_ms', 'p90_ms', 'p99_ms', 'max_ms',
      'machine_cpu_percent', 'server_cpu_percent', 'server_rss_mib', 'loadgen_cpu_percent', 'gpu_utilization_percent', 'gpu_memory_used_mib',
    ]);
    expect(TRIALS_COLUMNS).toEqual(['index', 'capacity_rps', 'repeats', 'p99_ms_at_capacity', 'server_rss_mib', 'server_cpu_percent', 'server_main_thread_cpu_percent', 'gpu_utilization_percent', 'points', 'duration_s', 'recommended', 'startup_ms']);
  });

  it('the column lists in the README and docs/reports.md name every column of the three files', () => {
    const doc = ['../../README.md', '../../docs/reports.md'].map((f) => readFileSync(new URL(f, import.meta.url), 'utf8')).join('\n');
    for (const column of [...SUMMARY_COLUMNS, ...TIMESERIES_COLUMNS, ...TRIALS_COLUMNS]) expect(doc, column).toContain(`\`${column}\``);
  });
});

describe('trials.csv', () => {
  const results = fixture('sweep');
  const [header, ...body] = rows(trialsCsv(results));

  it('has one row per trial with the swept knobs between index and capacity_rps', () => {
    expect(header).toEqual(['index', 'workers', 'max_batch_size', 'max_batch_delay_us', ...TRIALS_COLUMNS.slice(1)]);
    expect(body).toHaveLength(results.sweep!.trials.length);
  });

  it('writes each trial\'s knobs, capacity, repeats and p99 at capacity', () => {
    const row = Object.fromEntries(header.map((h, i) => [h, body[4][i]]));
    expect(row).toMatchObject({ index: '4', workers: '2', max_batch_size: '8', max_batch_delay_us: '1000', capacity_rps: '560.00', repeats: '548.00;560.00;571.00', recommended: '1' });
    const trial = results.sweep!.trials[4];
    expect(Number(row.p99_ms_at_capacity)).toBeCloseTo(p99AtCapacity(trial)! / 1000, 3);
    expect(Number(row.server_rss_mib)).toBeCloseTo(trial.server_rss_bytes! / 2 ** 20, 1);
    expect(body.filter((r) => r[header.indexOf('recommended')] === '1')).toHaveLength(1);
  });

  it('takes p99 at capacity from the highest-rate point that met the SLO', () => {
    const trial = { index: 0, config: {}, capacity_rps: 300, duration_s: 1, points: [
      { rate: 100, throughput_rps: 100, p50_us: 1, p99_us: 5000, error_rate: 0, passed: true },
      { rate: 330, throughput_rps: 310, p50_us: 1, p99_us: 90_000, error_rate: 0, passed: false },
      { rate: 300, throughput_rps: 300, p50_us: 1, p99_us: 40_000, error_rate: 0, passed: true },
    ] };
    expect(p99AtCapacity(trial)).toBe(40_000);
    expect(p99AtCapacity({ ...trial, capacity_rps: null })).toBeUndefined();
  });

  it('is empty for a run without a sweep', () => {
    expect(trialsCsv(fixture('quick'))).toBe('');
  });
});

describe('summary.csv and timeseries.csv from recorded runs', () => {
  it('have one row per phase and one per second', () => {
    const results = fixture('flap');
    expect(rows(summaryCsv(results))).toHaveLength(results.phases.length + 1);
    expect(rows(timeseriesCsv(results))).toHaveLength(results.timeseries.length + 1);
  });
});
