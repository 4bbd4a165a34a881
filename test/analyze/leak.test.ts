import { describe, expect, it } from 'vitest';
import { detectLatencyDrift, detectLeak, memorySeries, p99Series } from '../../src/analyze/leak.ts';
import { mulberry32, normalSource } from '../../src/analyze/random.ts';
import { kendallVarianceS, mannKendall, theilSen } from '../../src/analyze/trend.ts';

const MB = 1e6;
const HOUR = 3600;

/** Memory every `step` s for `hours`: base + slope (MB/h) + extra(t) + gaussian noise (sd MB). */
function series(o: { hours: number; step?: number; slopeMbPerHour: number; noiseMb: number; seed: number; extra?: (t: number) => number }) {
  const normal = normalSource(mulberry32(o.seed));
  const out: { t: number; bytes: number }[] = [];
  for (let t = 0; t <= o.hours * HOUR; t += o.step ?? 10) {
    out.push({ t, bytes: 300 * MB + (o.slopeMbPerHour * MB * t) / HOUR + (o.extra?.(t) ?? 0) + o.noiseMb * MB * normal() });
  }
  return out;
}

describe('Theil–Sen and Mann–Kendall on known data', () => {
  it('recovers an exact line and ignores an outlier that would drag least squares', () => {
    const t = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const y = t.map((x) => 2 * x + 1);
    const exact = theilSen(t, y);
    expect(exact).toMatchObject({ slope: 2, lower: 2, upper: 2, points: 10, pairs: 45, thinned: false });
    expect(exact.intercept).toBe(1);
    y[9] = 500;
    expect(theilSen(t, y).slope).toBe(2);
  });

  it('counts Kendall S and its tie-corrected variance', () => {
    expect(kendallVarianceS([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBe((10 * 9 * 25) / 18);
    expect(kendallVarianceS([1, 1, 2, 3])).toBe((4 * 3 * 13 - 2 * 1 * 9) / 18);
    const mk = mannKendall([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(mk.s).toBe(45);
    expect(mk.z).toBeCloseTo(44 / Math.sqrt(125), 10);
    expect(mk.pIncreasing).toBeLessThan(0.001);
  });

  it("Sen's 95% interval covers the true slope about 95% of the time", () => {
    let covered = 0;
    for (let k = 0; k < 200; k++) {
      const normal = normalSource(mulberry32(1000 + k));
      const t = Array.from({ length: 40 }, (_, i) => i);
      const fit = theilSen(t, t.map((x) => 0.5 * x + 3 * normal()));
      if (fit.lower <= 0.5 && 0.5 <= fit.upper) covered++;
    }
    expect(covered / 200).toBeGreaterThan(0.9);
    expect(covered / 200).toBeLessThan(0.995);
  });

  it('thins a long series to evenly spaced points and keeps the slope', () => {
    const t = Array.from({ length: 5000 }, (_, i) => i);
    const fit = theilSen(t, t.map((x) => 3 * x + (x % 7)), { maxPoints: 1000 });
    expect(fit).toMatchObject({ points: 1000, thinned: true });
    expect(fit.slope).toBeCloseTo(3, 1);
  });
});

describe('detectLeak', () => {
  it('finds linear growth under noise, with the true slope inside its interval and a projection to the limit', () => {
    const r = detectLeak(series({ hours: 4, slopeMbPerHour: 20, noiseMb: 2, seed: 1 }), { limitBytes: 2000 * MB });
    expect(r.verdict).toBe('leak');
    expect(r.lowerMbPerHour).toBeLessThanOrEqual(20);
    expect(r.upperMbPerHour).toBeGreaterThanOrEqual(20);
    expect(r.slopeMbPerHour).toBeCloseTo(20, 0);
    // Fitted last value ~ 380 MB; (2000 - 380) MB at 20 MB/h = 81 h.
    expect(r.projection!.secondsToLimit! / HOUR).toBeGreaterThan(78);
    expect(r.projection!.secondsToLimit! / HOUR).toBeLessThan(84);
    expect(r.projection!.secondsToLimitWorstCase!).toBeLessThanOrEqual(r.projection!.secondsToLimit!);
    expect(r.reason).toMatch(/grows 2\d\.\d MB\/h .*reaches the 2000\.0 MB limit in \d+\.\d h/);
    expect(r.fromS).toBeCloseTo(0.4 * HOUR, 0); // the default warm-up cut: the first 10%
  });

  it('says no leak for a flat series with noise and a few big outliers', () => {
    const spikes = new Set([500, 2000, 5000, 9000, 12000]);
    const r = detectLeak(series({ hours: 4, slopeMbPerHour: 0, noiseMb: 3, seed: 2, extra: (t) => (spikes.has(t) ? 80 * MB : 0) }));
    expect(r.verdict).toBe('no leak');
    expect(r.upperMbPerHour).toBeLessThan(1);
  });

  it('says no leak for a GC sawtooth, and still finds a real leak under the same sawtooth', () => {
    const sawtooth = (t: number): number => 40 * MB * ((t % 300) / 300);
    expect(detectLeak(series({ hours: 4, slopeMbPerHour: 0, noiseMb: 2, seed: 3, extra: sawtooth })).verdict).toBe('no leak');
    expect(detectLeak(series({ hours: 4, slopeMbPerHour: 10, noiseMb: 2, seed: 3, extra: sawtooth })).verdict).toBe('leak');
  });

  it('says no leak when memory grows and then levels off (an allocator arena, a cache), but leak when growth goes on', () => {
    // 30 MB over the first 4 minutes of a 10-minute soak, then flat: one fit over the whole span reads a slope.
    const plateau = (t: number): number => 30 * MB * Math.min(1, t / 240);
    const levelled = detectLeak(series({ hours: 10 / 60, step: 2, slopeMbPerHour: 0, noiseMb: 1, seed: 8, extra: plateau }), { warmupS: 0, thresholdMbPerHour: 50 });
    expect(levelled.lowerMbPerHour).toBeGreaterThan(50); // the whole span alone would say "leak"
    expect(levelled.verdict).toBe('no leak');
    expect(levelled.recent!.upperMbPerHour).toBeLessThan(50);
    expect(levelled.recent!.fromS).toBeCloseTo(300, -1);
    expect(levelled.reason).toMatch(/levelled off: the last 0\.1 h grow -?\d+\.\d+ MB\/h/);
    const withLimit = detectLeak(series({ hours: 10 / 60, step: 2, slopeMbPerHour: 0, noiseMb: 1, seed: 8, extra: plateau }), { warmupS: 0, thresholdMbPerHour: 50, limitBytes: 1000 * MB });
    expect(withLimit.projection).toBeUndefined(); // stopped growth reaches no limit

    const ongoing = detectLeak(series({ hours: 10 / 60, step: 2, slopeMbPerHour: 200, noiseMb: 1, seed: 8, extra: plateau }), { warmupS: 0, thresholdMbPerHour: 50 });
    expect(ongoing.verdict).toBe('leak');
    expect(ongoing.recent!.lowerMbPerHour).toBeGreaterThan(50);
    expect(ongoing.reason).toMatch(/still growing lately/);
  });

  it('is inconclusive when the growth may be levelling off: the recent half straddles the threshold', () => {
    // 300 MB/h for 5 minutes, then 35 MB/h under noise: the recent half's interval cannot rule out 50 MB/h.
    const slowing = (t: number): number => (MB * (300 * Math.min(t, 300) + 35 * Math.max(0, t - 300))) / HOUR;
    const r = detectLeak(series({ hours: 10 / 60, step: 2, slopeMbPerHour: 0, noiseMb: 3, seed: 9, extra: slowing }), { warmupS: 0, thresholdMbPerHour: 50 });
    expect(r.lowerMbPerHour).toBeGreaterThan(50);
    expect(r.recent!.slopeMbPerHour).toBeLessThan(50);
    expect(r.recent!.upperMbPerHour).toBeGreaterThan(50);
    expect(r.verdict).toBe('inconclusive');
    expect(r.reason).toMatch(/may be levelling off/);
  });

  it('is inconclusive with too few points, or when the interval straddles the threshold', () => {
    const few = detectLeak(series({ hours: 0.02, step: 10, slopeMbPerHour: 50, noiseMb: 0.1, seed: 4 }));
    expect(few.verdict).toBe('inconclusive');
    expect(few.reason).toMatch(/only \d memory samples after the warm-up cut; need at least 10/);
    const straddle = detectLeak(series({ hours: 1, step: 30, slopeMbPerHour: 1, noiseMb: 5, seed: 5 }));
    expect(straddle.verdict).toBe('inconclusive');
    expect(straddle.lowerMbPerHour).toBeLessThan(1);
    expect(straddle.upperMbPerHour).toBeGreaterThan(1);
  });

  it('reads its series from results.json system samples', () => {
    const pts = memorySeries([{ t: 0, server_rss_bytes: 10 }, { t: 1 }, { t: 2, server_rss_bytes: 12 }]);
    expect(pts).toEqual([{ t: 0, bytes: 10 }, { t: 2, bytes: 12 }]);
  });
});

describe('detectLatencyDrift', () => {
  function p99(o: { hours: number; percentPerHour: number; seed: number }) {
    const normal = normalSource(mulberry32(o.seed));
    return Array.from({ length: o.hours * 360 }, (_, i) => {
      const t = i * 10;
      return { t, p99Us: 20_000 * (1 + (o.percentPerHour / 100) * (t / HOUR)) * (1 + 0.05 * normal()) };
    });
  }

  it('reports drift as percent of the early median per hour', () => {
    const r = detectLatencyDrift(p99({ hours: 3, percentPerHour: 20, seed: 6 }));
    expect(r.verdict).toBe('drift');
    expect(r.earlyMedianUs).toBeGreaterThan(20_000);
    // The early median sits after the warm-up, so the rate relative to it is a little under 20%/h.
    expect(r.percentPerHour).toBeGreaterThan(16);
    expect(r.percentPerHour).toBeLessThan(20);
  });

  it('calls a flat p99 stable and ignores seconds without requests', () => {
    const rows = p99({ hours: 2, percentPerHour: 0, seed: 7 });
    rows[100].p99Us = 0;
    const r = detectLatencyDrift(rows);
    expect(r.verdict).toBe('stable');
    const afterCut = rows.filter((x) => x.t >= 0.1 * rows[rows.length - 1].t).length;
    expect(r.points).toBe(afterCut - 1); // the default 10% warm-up cut, and the empty second dropped
  });

  it('reads per-second rows of one phase', () => {
    const row = (t: number, phase: string) => ({ t, phase, requests: 1, ok: 1, errors: {}, p50_us: 1, p90_us: 2, p99_us: 3 + t, max_us: 9 });
    expect(p99Series([row(0, 'warmup'), row(1, 'soak'), row(2, 'soak')], 'soak')).toEqual([{ t: 1, p99Us: 4 }, { t: 2, p99Us: 5 }]);
  });
});
