// The soak's verdicts on known series: a real leak under GC noise is called a leak, a flat
// sawtooth after warm-up growth is not, too little data fails its threshold instead of passing,
// and a resumed soak is fitted within one segment (its server restarted, memory with it).
import { describe, expect, it } from 'vitest';
import type { IntervalSample } from '../../src/soak/journal.ts';
import { analyzeSoak, fittedSamples, harnessGrowth } from '../../src/soak/verdicts.ts';

const MB = 1e6;

/** Deterministic samples every `interval` s; memory(t) and p99(t) given. */
function series(count: number, options: { interval?: number; warmupS?: number; segment?: number; t0?: number; rss: (t: number, i: number) => number; p99?: (t: number, i: number) => number; harness?: (t: number) => number }): IntervalSample[] {
  const interval = options.interval ?? 10;
  return Array.from({ length: count }, (_, i) => {
    const since = (i + 1) * interval;
    const t = (options.t0 ?? 0) + since;
    return {
      t, segment: options.segment ?? 0, span_s: interval, warmup: since - interval / 2 < (options.warmupS ?? 0), load_s: since,
      rss_bytes: options.rss(t, i), heap_used_bytes: 20 * MB + (i % 7) * 3 * MB, external_bytes: 2 * MB,
      requests: 3000, ok: 3000, errors: 0, outcomes: {}, p50_us: 2000, p90_us: 3000, p99_us: options.p99?.(t, i) ?? 5000 + ((i * 7919) % 13) * 20, max_us: 9000,
      harness_rss_bytes: options.harness?.(t) ?? 120 * MB,
    };
  });
}

/** A GC sawtooth of ±6 MB with a period of 7 samples, plus a pseudo-random ±1 MB. */
const sawtooth = (i: number) => ((i % 7) - 3) * 2 * MB + (((i * 7919) % 11) - 5) * 0.2 * MB;

describe('analyzeSoak', () => {
  it('calls 50 MB/h of growth under GC noise a leak, fails rss_slope, and projects the time to the limit', () => {
    // 10 minutes at 10 s: 50 MB/h is 8.3 MB over the soak, smaller than the sawtooth's swing.
    const samples = series(60, { warmupS: 120, rss: (t, i) => 300 * MB + (50 * MB * t) / 3600 + sawtooth(i) });
    const analysis = analyzeSoak(samples, { thresholds: ['rss_slope < 5MB/h'], memoryLimitBytes: 2000 * MB });
    expect(analysis.leak.verdict).toBe('leak');
    expect(analysis.leak.slope_per_hour).toBeGreaterThan(30);
    expect(analysis.leak.slope_per_hour).toBeLessThan(70);
    expect(analysis.leak.ci[0]).toBeGreaterThan(5);
    // ~1700 MB to go at ~50 MB/h.
    expect(analysis.leak.projected_hours_to_limit).toBeGreaterThan(20);
    expect(analysis.leak.projected_hours_to_limit).toBeLessThan(60);
    expect(analysis.thresholds[0]).toMatchObject({ expression: 'rss_slope < 5MB/h', passed: false, unit: 'MB/h' });
    expect(analysis.verdicts.find((v) => v.kind === 'leak')?.passed).toBe(false);
  });

  it('does not call warm-up growth followed by a flat sawtooth a leak: the warm-up is cut, the fit is robust', () => {
    // +60 MB in the first 2 minutes (caches, JIT, heap sizing), then flat for 2 hours.
    const samples = series(732, { warmupS: 120, rss: (t, i) => 200 * MB + Math.min(t, 120) * 0.5 * MB + sawtooth(i) });
    const analysis = analyzeSoak(samples, { thresholds: ['rss_slope < 5MB/h'] });
    expect(analysis.leak.verdict).toBe('no leak');
    expect(Math.abs(analysis.leak.slope_per_hour)).toBeLessThan(3);
    expect(analysis.thresholds[0].passed).toBe(true);
    // Left in, the warm-up would pull the slope up.
    const uncut = analyzeSoak(samples.map((s) => ({ ...s, warmup: false })), { thresholds: ['rss_slope < 5MB/h'] });
    expect(uncut.leak.slope_per_hour).toBeGreaterThan(analysis.leak.slope_per_hour);
  });

  it('calls growth that goes on past the warm-up and then stops "no leak", and says it levelled off', () => {
    // 10 minutes at 2 s, 2-minute warm-up: +25 MB between minutes 2 and 5 (an allocator arena
    // filling), flat after. One fit over minutes 2-10 reads ~+150 MB/h; the last half is flat.
    const samples = series(300, { interval: 2, warmupS: 120, rss: (t, i) => 300 * MB + Math.min(Math.max(t - 120, 0), 180) * (25 / 180) * MB + sawtooth(i) / 4 });
    const analysis = analyzeSoak(samples, { thresholds: ['rss_slope < 50MB/h'] });
    expect(analysis.leak.slope_per_hour).toBeGreaterThan(50);
    expect(analysis.leak.verdict).toBe('no leak');
    expect(analysis.leak.summary).toMatch(/levelled off: the last 4\.0 min [+-]\d/);
    expect(analysis.thresholds[0].passed).toBe(true);
    const details = analysis.verdicts.find((v) => v.kind === 'leak')!.details as { rss: { recent?: { mb_per_hour: number } } };
    expect(Math.abs(details.rss.recent!.mb_per_hour)).toBeLessThan(10);
  });

  it('says inconclusive when the noise hides a 5 MB/h limit over a short soak (run longer)', () => {
    const samples = series(132, { warmupS: 120, rss: (t, i) => 200 * MB + sawtooth(i) });
    const analysis = analyzeSoak(samples, { thresholds: ['rss_slope < 5MB/h'] });
    expect(analysis.leak.verdict).toBe('inconclusive');
    expect(analysis.leak.ci[0]).toBeLessThan(5);
    expect(analysis.leak.ci[1]).toBeGreaterThan(5);
  });

  it('fails a threshold it cannot evaluate rather than passing it', () => {
    const samples = series(8, { warmupS: 40, rss: () => 100 * MB });
    const analysis = analyzeSoak(samples, { thresholds: ['rss_slope < 5MB/h', 'p99_drift < 10%'] });
    expect(analysis.leak.verdict).toBe('inconclusive');
    expect(analysis.thresholds.map((t) => [t.passed, t.actual])).toEqual([[false, null], [false, null]]);
    expect(analysis.thresholds[0].message).toContain('too few samples');
  });

  it('measures p99 drift as a change over the soak in percent of its early level', () => {
    // p99 from 5 ms rising to 7.5 ms over ~20 minutes after the warm-up: +50%.
    const samples = series(132, { warmupS: 120, rss: () => 100 * MB, p99: (t, i) => 5000 * (1 + (0.5 * Math.max(0, t - 120)) / 1200) + ((i * 7919) % 13) * 10 });
    const analysis = analyzeSoak(samples, { thresholds: ['p99_drift < 10%'] });
    expect(analysis.drift.verdict).toBe('drift');
    expect(analysis.thresholds[0].actual).toBeGreaterThan(40);
    expect(analysis.thresholds[0].actual).toBeLessThan(60);
    expect(analysis.thresholds[0].passed).toBe(false);
    const stable = analyzeSoak(series(132, { warmupS: 120, rss: () => 100 * MB }), { thresholds: ['p99_drift < 10%'] });
    expect(stable.drift.verdict).toBe('stable');
    expect(stable.thresholds[0].passed).toBe(true);
  });

  it('fits a resumed soak within its longest segment: the restart drop is not a trend', () => {
    const before = series(40, { warmupS: 30, rss: (t, i) => 500 * MB + sawtooth(i) / 10 });
    const after = series(20, { warmupS: 30, segment: 1, t0: 3000, rss: (t, i) => 150 * MB + sawtooth(i) / 10 });
    const { segment, samples, segments } = fittedSamples([...before, ...after]);
    expect([segment, segments, samples.length]).toEqual([0, 2, 37]);
    const analysis = analyzeSoak([...before, ...after], { thresholds: ['rss_slope < 5MB/h'] });
    expect(analysis.leak.verdict).toBe('no leak');
    expect(analysis.notes[0]).toContain('resumed');
  });

  it('measures the harness growth in its latest segment, from the end of the warm-up', () => {
    const samples = series(30, { warmupS: 50, rss: () => 1, harness: (t) => 100 * MB + t * 1000 });
    expect(harnessGrowth(samples)).toBe((300 - 60) * 1000);
  });
});
