// HdrHistogram summaries, encoding and merging on data whose answer is known.
import { describe, expect, it } from 'vitest';
import { lognormalNoise, mulberry32, normalSource } from '../../src/analyze/random.ts';
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeHistograms,
  percentileFromEncoded,
  recordLatency,
  summarize,
} from '../../src/analyze/latency.ts';
import { isServebenchError } from '../../src/contract/errors.ts';

function uniform(from: number, to: number) {
  const h = createLatencyHistogram();
  for (let v = from; v <= to; v++) recordLatency(h, v);
  return h;
}

/** Within HdrHistogram's 3-significant-digit precision (one part in a thousand), never below. */
function expectNear(actual: number, exact: number) {
  expect(actual).toBeGreaterThanOrEqual(exact);
  expect(actual).toBeLessThanOrEqual(exact * 1.001 + 1);
}

describe('summarize', () => {
  it('gives the order statistics of 1..10000 us within HDR precision', () => {
    const s = summarize(uniform(1, 10_000));
    expect(s.count).toBe(10_000);
    expect(s.min).toBe(1);
    expectNear(s.p50, 5_000);
    expectNear(s.p90, 9_000);
    expectNear(s.p99, 9_900);
    expectNear(s.p999, 9_990);
    expectNear(s.max, 10_000);
    expect(Math.abs(s.mean - 5_000.5)).toBeLessThan(5);
  });

  it('answers exactly as the library does percentile by percentile, in one walk over the counts', () => {
    // Skewed latencies, tiny and huge counts, and the ranks where float rounding bites (count 3, 7, 1000).
    const cases: [number, number][] = [[1, 1], [3, 0.5], [7, 1.5], [1000, 0.8], [54_321, 1.2]];
    for (const [count, cv] of cases) {
      const noise = lognormalNoise(cv, normalSource(mulberry32(count)));
      const h = createLatencyHistogram();
      for (let i = 0; i < count; i++) recordLatency(h, 2_000 * noise());
      const at = (p: number) => h.getValueAtPercentile(p);
      expect(summarize(h), `${count} samples`).toEqual({
        count, min: at(0), mean: Math.round(h.mean * 10) / 10, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: at(100),
      });
    }
  });

  it('is all zeros for an empty histogram', () => {
    expect(summarize(createLatencyHistogram())).toEqual({ count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
  });

  it('clamps latencies to at least 1 us and at most 600 s instead of throwing', () => {
    const h = createLatencyHistogram();
    recordLatency(h, -5);
    recordLatency(h, 0.2);
    recordLatency(h, 3_600e6);
    const s = summarize(h);
    expect(s.count).toBe(3);
    expect(s.min).toBe(1);
    expectNear(s.max, 600e6);
  });

  it('puts a 1% tail of 1 s stalls into p99.9 but not p90', () => {
    const h = createLatencyHistogram();
    for (let i = 0; i < 990; i++) recordLatency(h, 1_000);
    for (let i = 0; i < 10; i++) recordLatency(h, 1_000_000);
    const s = summarize(h);
    expectNear(s.p90, 1_000);
    expectNear(s.p99, 1_000);
    expectNear(s.p999, 1_000_000);
  });
});

describe('encoding', () => {
  it('round-trips counts and percentiles through compressed base64', () => {
    const h = uniform(1, 10_000);
    const encoded = encodeHistogram(h);
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const back = decodeHistogram(encoded);
    expect(summarize(back)).toEqual(summarize(h));
    expect(percentileFromEncoded(encoded, 50)).toBe(h.getValueAtPercentile(50));
  });

  it('round-trips an empty histogram and decodes "" as empty', () => {
    expect(decodeHistogram(encodeHistogram(createLatencyHistogram())).totalCount).toBe(0);
    expect(decodeHistogram('').totalCount).toBe(0);
    expect(percentileFromEncoded('', 99)).toBe(0);
  });

  it('refuses text that is not an encoded histogram with a typed error', () => {
    expect(() => decodeHistogram('bm90IGEgaGlzdG9ncmFt')).toThrow(/is not a compressed base64 HdrHistogram/);
    try {
      decodeHistogram('bm90IGEgaGlzdG9ncmFt');
    } catch (err) {
      expect(isServebenchError(err, 'SB_ERR_HISTOGRAM_DECODE')).toBe(true);
    }
  });
});

describe('mergeHistograms', () => {
  it('merges live and encoded halves into the whole', () => {
    const merged = mergeHistograms([uniform(1, 5_000), encodeHistogram(uniform(5_001, 10_000))]);
    expect(summarize(merged)).toEqual(summarize(uniform(1, 10_000)));
  });

  it('of nothing is empty', () => {
    expect(mergeHistograms([]).totalCount).toBe(0);
  });
});
