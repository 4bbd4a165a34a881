// Latency statistics over HdrHistograms (microseconds): summaries, the compressed base64 form
// results.json stores, and merging for totals. Pure: no clocks, no I/O.
import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../contract/results.ts';
import { ServebenchError } from '../contract/errors.ts';

export type { Histogram };

/** 600 s in µs: a request slower than any sane client timeout still lands in range. */
export const HIGHEST_TRACKABLE_US = 600_000_000;
export const SIGNIFICANT_DIGITS = 3;

/**
 * A latency histogram in µs: 1 µs .. 600 s at 3 significant digits (±0.1%), pure JS (no
 * WebAssembly: nothing to free, and the same type decodeHistogram returns, so add() is cheap).
 */
export function createLatencyHistogram(): Histogram {
  return hdr.build({
    useWebAssembly: false,
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
  });
}

/** Records one latency, rounded to whole µs and clamped into [1, HIGHEST_TRACKABLE_US]. */
export function recordLatency(histogram: Histogram, latencyUs: number): void {
  const value = Number.isFinite(latencyUs) ? Math.round(latencyUs) : HIGHEST_TRACKABLE_US;
  histogram.recordValue(Math.min(HIGHEST_TRACKABLE_US, Math.max(1, value)));
}

export const EMPTY_SUMMARY: LatencySummary = Object.freeze({ count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });

/**
 * HdrHistogram percentile semantics (getValueAtPercentile): the smallest recorded value v such
 * that at least p% of all values are <= v, reported as the highest value equivalent to v's bucket
 * (so within 10^-3 relative of the exact order statistic, never below it). min is percentile 0
 * (the lowest value equivalent to the smallest recorded), max percentile 100 (the highest value
 * equivalent to the largest): unlike minNonZeroValue/maxValue these read the same from a live
 * histogram and from its decoded copy. mean uses each bucket's median equivalent value. All zero
 * when nothing was recorded.
 */
export function summarize(histogram: Histogram): LatencySummary {
  const count = histogram.totalCount;
  if (count === 0) return { ...EMPTY_SUMMARY };
  const h = histogram as unknown as CountsView;
  // One walk over the counts, where getValueAtPercentile walks them once per percentile and mean
  // through an iterator: the runner summarises every second while it sends, and those walks
  // (~20k slots each) would hold its event loop for several ms a second.
  const targets = SUMMARY_PERCENTILES.map((p) => countAtPercentile(p, count));
  const values = new Array<number>(targets.length).fill(0);
  let next = 0;
  let cumulative = 0;
  let weighted = 0;
  for (let i = 0; i < h.countsArrayLength && cumulative < count; i++) {
    const n = h.getCountAtIndex(i);
    if (n === 0) continue;
    cumulative += n;
    const value = h.valueFromIndex(i);
    weighted += h.medianEquivalentValue(value) * n;
    for (; next < targets.length && cumulative >= targets[next]; next++) {
      values[next] = SUMMARY_PERCENTILES[next] === 0 ? h.lowestEquivalentValue(value) : h.highestEquivalentValue(value);
    }
  }
  const [min, p50, p90, p99, p999, max] = values;
  return { count, min, mean: Math.round((weighted / count) * 10) / 10, p50, p90, p99, p999, max };
}

/** The parts of hdr-histogram-js's JsHistogram (what createLatencyHistogram builds) a single walk needs. */
interface CountsView {
  countsArrayLength: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  lowestEquivalentValue(value: number): number;
  highestEquivalentValue(value: number): number;
  medianEquivalentValue(value: number): number;
}

const SUMMARY_PERCENTILES = [0, 50, 90, 99, 99.9, 100] as const;

/** getValueAtPercentile's rank: the count to reach, rounded up past float error of up to 1 ulp. */
function countAtPercentile(percentile: number, total: number): number {
  const exact = (percentile / 100) * total;
  const ulp = exact > 0 ? 2 ** (Math.floor(Math.log2(exact)) - 52) : 0;
  return Math.max(Math.ceil(exact - ulp), 1);
}

/** HdrHistogram's standard compressed form (V2 encoding, deflated, base64), readable by its other implementations. */
export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/** Inverse of encodeHistogram; an empty string decodes to an empty histogram. */
export function decodeHistogram(encoded: string): Histogram {
  if (encoded === '') return createLatencyHistogram();
  try {
    const decoded = hdr.decodeFromCompressedBase64(encoded, 32, false, HIGHEST_TRACKABLE_US);
    // Re-home the counts in our standard range so merges never meet a mismatched layout.
    const histogram = createLatencyHistogram();
    histogram.add(decoded);
    return histogram;
  } catch (err) {
    const head = encoded.length > 24 ? `${encoded.slice(0, 24)}...` : encoded;
    throw new ServebenchError('SB_ERR_HISTOGRAM_DECODE', `histogram "${head}" is not a compressed base64 HdrHistogram: ${(err as Error).message}`);
  }
}

/** Sum of several histograms (live ones or encoded strings): totals over the counted phases. */
export function mergeHistograms(parts: readonly (Histogram | string)[]): Histogram {
  const merged = createLatencyHistogram();
  for (const part of parts) merged.add(typeof part === 'string' ? decodeHistogram(part) : part);
  return merged;
}

/** One percentile (0..100) of an encoded histogram, µs; 0 when it is empty. */
export function percentileFromEncoded(encoded: string, percentile: number): number {
  const histogram = decodeHistogram(encoded);
  return histogram.totalCount === 0 ? 0 : histogram.getValueAtPercentile(percentile);
}
