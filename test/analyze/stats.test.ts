import { describe, expect, it } from 'vitest';
import { lognormalNoise, mulberry32, normalSource } from '../../src/analyze/random.ts';
import {
  bootstrapMedianCI, bootstrapMedians, iqr, mad, madNormal, mean, median, normalCdf, normalQuantile, quantile, relativeDifference, stdev,
} from '../../src/analyze/stats.ts';
import { isServebenchError } from '../../src/contract/errors.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isServebenchError(err) ? err.code : 'not a ServebenchError';
  }
  return undefined;
}

describe('descriptive statistics on known data', () => {
  it('mean and sample standard deviation match hand computation', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(stdev([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(stdev([5])).toBe(0);
  });

  it('quantile is Hyndman & Fan type 7 (R default): linear between order statistics', () => {
    const xs = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(quantile(xs, 0.9)).toBeCloseTo(9.1, 12); // R: quantile(1:10, 0.9) = 9.1
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile(xs, 1)).toBe(10);
    expect(quantile([3, 1, 2], 0.25)).toBe(1.5);
  });

  it('median takes the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('MAD, its normal-consistent scaling, and IQR', () => {
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBe(1);
    expect(madNormal([1, 1, 2, 2, 4, 6, 9])).toBeCloseTo(1.4826, 10);
    expect(iqr([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBeCloseTo(7.75 - 3.25, 12);
  });

  it('relative difference is signed and relative to the baseline', () => {
    expect(relativeDifference(100, 110)).toBeCloseTo(0.1, 12);
    expect(relativeDifference(200, 150)).toBeCloseTo(-0.25, 12);
    expect(codeOf(() => relativeDifference(0, 1))).toBe('SB_ERR_INVALID_INPUT');
  });

  it('refuses empty and non-finite samples with a stable code', () => {
    expect(codeOf(() => median([]))).toBe('SB_ERR_NO_DATA');
    expect(codeOf(() => mean([1, Number.NaN]))).toBe('SB_ERR_INVALID_INPUT');
    expect(codeOf(() => quantile([1, 2], 1.5))).toBe('SB_ERR_INVALID_INPUT');
  });
});

describe('normal distribution', () => {
  it('CDF and quantile agree with tables and invert each other', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    for (const p of [0.01, 0.2, 0.7, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
  });
});

describe('bootstrap of the median', () => {
  it('resampled medians of 3 values follow the exact multinomial law (x(1) with probability 7/27)', () => {
    const dist = bootstrapMedians([30, 10, 20], 40_000, mulberry32(7));
    const share = (v: number): number => dist.filter((d) => d === v).length / dist.length;
    expect(share(10)).toBeCloseTo(7 / 27, 2);
    expect(share(20)).toBeCloseTo(13 / 27, 2);
    expect(share(30)).toBeCloseTo(7 / 27, 2);
  });

  it('resampled medians of 2 values average the middle pair (type 7)', () => {
    const dist = bootstrapMedians([1, 3], 20_000, mulberry32(3));
    expect(new Set(dist)).toEqual(new Set([1, 2, 3]));
    expect(dist.filter((d) => d === 2).length / dist.length).toBeCloseTo(0.5, 1);
  });

  it('is repeatable for a seed and its 95% interval has the width theory predicts', () => {
    const normal = normalSource(mulberry32(42));
    const xs = Array.from({ length: 400 }, () => 100 + 10 * normal());
    const a = bootstrapMedianCI(xs, { seed: 5 });
    expect(bootstrapMedianCI(xs, { seed: 5 })).toEqual(a);
    expect(bootstrapMedianCI(xs, { seed: 6 })).not.toEqual(a);
    expect(a.lower).toBeLessThan(a.estimate);
    expect(a.upper).toBeGreaterThan(a.estimate);
    // SE of a normal median = 1.2533 sigma / sqrt(n) = 0.627; a 95% interval is about 2.46 wide.
    expect(a.upper - a.lower).toBeGreaterThan(1.5);
    expect(a.upper - a.lower).toBeLessThan(3.5);
  });
});

describe('seeded noise', () => {
  it('lognormal noise has mean 1 and the requested coefficient of variation', () => {
    const draw = lognormalNoise(0.1, normalSource(mulberry32(9)));
    const xs = Array.from({ length: 20_000 }, draw);
    expect(mean(xs)).toBeCloseTo(1, 2);
    expect(stdev(xs)).toBeCloseTo(0.1, 2);
  });
});
