// Robust statistics, each a named function with its method in one line (tinybench/mitata style).
// Pure: no I/O, no clocks; randomness only from a seeded source.
import { requireFinite } from './errors.ts';
import { mulberry32 } from './random.ts';
import { ServebenchError } from '../contract/errors.ts';

/** Arithmetic mean. */
export function mean(xs: readonly number[]): number {
  requireFinite(xs, 'mean');
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Sample standard deviation (Bessel's n - 1 correction); 0 for a single value. */
export function stdev(xs: readonly number[]): number {
  const m = mean(xs);
  if (xs.length < 2) return 0;
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

function sortedCopy(xs: readonly number[]): Float64Array {
  return Float64Array.from(xs).sort();
}

/**
 * Quantile of already sorted values, Hyndman & Fan type 7 (R's default, numpy "linear"):
 * h = (n - 1) p, linear interpolation between the order statistics around h.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new ServebenchError('SB_ERR_INVALID_INPUT', `quantile: p must be within [0, 1], got ${p}`);
  const n = sorted.length;
  if (n === 0) throw new ServebenchError('SB_ERR_NO_DATA', 'quantile: needs at least 1 value, got 0');
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Quantile, Hyndman & Fan type 7 (see quantileSorted); sorts a copy. */
export function quantile(xs: readonly number[], p: number): number {
  requireFinite(xs, 'quantile');
  return quantileSorted(sortedCopy(xs), p);
}

/** Median: the type-7 quantile at 0.5 (the mean of the two middle values when n is even). */
export function median(xs: readonly number[]): number {
  requireFinite(xs, 'median');
  return quantileSorted(sortedCopy(xs), 0.5);
}

/** Median absolute deviation from the median, unscaled (Hampel). */
export function mad(xs: readonly number[]): number {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m)));
}

/** MAD scaled by 1.4826 so that it estimates the standard deviation of normal data. */
export function madNormal(xs: readonly number[]): number {
  return 1.4826 * mad(xs);
}

/** Interquartile range: type-7 quantile at 0.75 minus at 0.25. */
export function iqr(xs: readonly number[]): number {
  requireFinite(xs, 'iqr');
  const sorted = sortedCopy(xs);
  return quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
}

/** Relative difference (current - baseline) / |baseline|: +0.1 means 10% higher than the baseline. */
export function relativeDifference(baseline: number, current: number): number {
  if (!Number.isFinite(baseline) || !Number.isFinite(current)) {
    throw new ServebenchError('SB_ERR_INVALID_INPUT', `relativeDifference: expected finite numbers, got baseline ${baseline}, current ${current}`);
  }
  if (baseline === 0) throw new ServebenchError('SB_ERR_INVALID_INPUT', 'relativeDifference: baseline is 0, a relative change is undefined');
  return (current - baseline) / Math.abs(baseline);
}

export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
  /** Two-sided confidence level, e.g. 0.95. */
  confidence: number;
}

export interface BootstrapOptions {
  confidence?: number;
  resamples?: number;
  seed?: number;
}

/** Percentile interval of a bootstrap distribution: its (1-c)/2 and (1+c)/2 type-7 quantiles. */
export function percentileInterval(distribution: Float64Array, confidence: number): { lower: number; upper: number } {
  const sorted = Float64Array.from(distribution).sort();
  return { lower: quantileSorted(sorted, (1 - confidence) / 2), upper: quantileSorted(sorted, (1 + confidence) / 2) };
}

/**
 * Bootstrap distribution of the (type-7) median: each resample draws n indices into the sorted
 * sample and takes the middle order statistic(s) from the counts, O(n) per resample, no sort.
 */
export function bootstrapMedians(xs: readonly number[], resamples: number, uniform: () => number): Float64Array {
  requireFinite(xs, 'bootstrapMedians');
  const sorted = sortedCopy(xs);
  const n = sorted.length;
  const counts = new Int32Array(n);
  const lowRank = Math.floor((n - 1) / 2);
  const highRank = Math.ceil((n - 1) / 2);
  const out = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(uniform() * n)]++;
    let seen = 0;
    let low = NaN;
    for (let k = 0; k < n; k++) {
      seen += counts[k];
      if (Number.isNaN(low) && seen > lowRank) low = sorted[k];
      if (seen > highRank) {
        out[r] = (low + sorted[k]) / 2;
        break;
      }
    }
  }
  return out;
}

/** Confidence interval of the median by the percentile bootstrap, seeded (mulberry32) so it is repeatable. */
export function bootstrapMedianCI(xs: readonly number[], options: BootstrapOptions = {}): Interval {
  requireFinite(xs, 'bootstrapMedianCI');
  const confidence = checkConfidence(options.confidence ?? 0.95, 'bootstrapMedianCI');
  const dist = bootstrapMedians(xs, options.resamples ?? 2000, mulberry32(options.seed ?? 1));
  return { estimate: median(xs), ...percentileInterval(dist, confidence), confidence };
}

export function checkConfidence(confidence: number, where: string): number {
  if (!(confidence > 0 && confidence < 1)) {
    throw new ServebenchError('SB_ERR_INVALID_INPUT', `${where}: confidence must be between 0 and 1 (e.g. 0.95), got ${confidence}`);
  }
  return confidence;
}

/** Standard normal CDF, Abramowitz & Stegun 26.2.17 (absolute error < 7.5e-8). */
export function normalCdf(z: number): number {
  if (z < 0) return 1 - normalCdf(-z);
  const t = 1 / (1 + 0.2316419 * z);
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return 1 - (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * poly;
}

/** Standard normal quantile (inverse CDF), Acklam's rational approximation (relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new ServebenchError('SB_ERR_INVALID_INPUT', `normalQuantile: p must be strictly between 0 and 1, got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pLow) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
