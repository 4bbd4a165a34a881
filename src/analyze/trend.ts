// Robust trend of a series over time: the Theil–Sen slope with Sen's rank-based confidence
// interval, and the Mann–Kendall test of a monotonic trend. Both are O(n^2) in the points, so
// long series are thinned to evenly spaced points first (deterministic, keeps the time span).
import { checkConfidence, median, normalCdf, normalQuantile, quantileSorted } from './stats.ts';
import { ServebenchError } from '../contract/errors.ts';

export interface TrendOptions {
  /** Two-sided level of the slope's interval, default 0.95. */
  confidence?: number;
  /** Above this many points, use this many evenly spaced ones (bounds the O(n^2) pair count). */
  maxPoints?: number;
}

export interface TheilSenFit {
  /** Median of the pairwise slopes, in y units per t unit. */
  slope: number;
  /** Median of y - slope * t (Conover), so the line is y = intercept + slope * t. */
  intercept: number;
  lower: number;
  upper: number;
  confidence: number;
  /** Points used (after thinning) and pairwise slopes taken (pairs with equal t are skipped). */
  points: number;
  pairs: number;
  thinned: boolean;
}

export interface MannKendall {
  /** Sum over pairs i < j of sign(y_j - y_i). */
  s: number;
  /** Var(S) with the correction for tied y values. */
  varianceS: number;
  /** (S -/+ 1) / sqrt(Var S), the continuity-corrected normal score. */
  z: number;
  pIncreasing: number;
  pDecreasing: number;
  pTwoSided: number;
}

export const TREND_DEFAULTS = { confidence: 0.95, maxPoints: 2000 } as const;

/** Checks the series and returns it ordered by time, thinned to at most maxPoints evenly spaced points. */
export function prepareSeries(ts: readonly number[], ys: readonly number[], maxPoints: number, where: string): { t: number[]; y: number[]; thinned: boolean } {
  if (ts.length !== ys.length) throw new ServebenchError('SB_ERR_INVALID_INPUT', `${where}: ${ts.length} times but ${ys.length} values; expected one value per time`);
  if (ts.length < 2) throw new ServebenchError('SB_ERR_NO_DATA', `${where}: needs at least 2 points, got ${ts.length}`);
  for (let i = 0; i < ts.length; i++) {
    if (!Number.isFinite(ts[i]) || !Number.isFinite(ys[i])) {
      throw new ServebenchError('SB_ERR_INVALID_INPUT', `${where}: point [${i}] is (${ts[i]}, ${ys[i]}), expected finite numbers`);
    }
  }
  const order = ts.map((_, i) => i).sort((a, b) => ts[a] - ts[b]);
  const m = Math.max(2, Math.min(maxPoints, order.length));
  const picked = m === order.length ? order : Array.from({ length: m }, (_, k) => order[Math.round((k * (order.length - 1)) / (m - 1))]);
  return { t: picked.map((i) => ts[i]), y: picked.map((i) => ys[i]), thinned: m < order.length };
}

/** Var(S) of Mann–Kendall's S under no trend, corrected for ties: [n(n-1)(2n+5) - sum t(t-1)(2t+5)] / 18. */
export function kendallVarianceS(ys: readonly number[]): number {
  const n = ys.length;
  const sorted = Float64Array.from(ys).sort();
  let ties = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && sorted[j + 1] === sorted[i]) j++;
    const t = j - i + 1;
    if (t > 1) ties += t * (t - 1) * (2 * t + 5);
    i = j + 1;
  }
  return (n * (n - 1) * (2 * n + 5) - ties) / 18;
}

/** Theil–Sen slope (median of pairwise slopes) with Sen's (1968) distribution-free interval from Kendall's S. */
export function theilSen(ts: readonly number[], ys: readonly number[], options: TrendOptions = {}): TheilSenFit {
  const confidence = checkConfidence(options.confidence ?? TREND_DEFAULTS.confidence, 'theilSen');
  const { t, y, thinned } = prepareSeries(ts, ys, options.maxPoints ?? TREND_DEFAULTS.maxPoints, 'theilSen');
  const n = t.length;
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dt = t[j] - t[i];
      if (dt !== 0) slopes[count++] = (y[j] - y[i]) / dt;
    }
  }
  if (count === 0) throw new ServebenchError('SB_ERR_INVALID_INPUT', 'theilSen: every point has the same time; a slope needs at least two distinct times');
  const sorted = slopes.subarray(0, count).sort();
  const slope = quantileSorted(sorted, 0.5);
  // Sen / Gilbert (1987, 16.5): C = z * sqrt(Var S); the bounds are the M1-th and (M2+1)-th smallest slopes.
  const c = normalQuantile((1 + confidence) / 2) * Math.sqrt(kendallVarianceS(y));
  const rank = (r: number): number => sorted[Math.min(count, Math.max(1, Math.round(r))) - 1];
  const lower = rank((count - c) / 2);
  const upper = rank((count + c) / 2 + 1);
  const intercept = median(y.map((v, i) => v - slope * t[i]));
  return { slope, intercept, lower, upper, confidence, points: n, pairs: count, thinned };
}

/** Mann–Kendall test of a monotonic trend in y over time (normal approximation, tie-corrected variance). */
export function mannKendall(ts: readonly number[], ys: readonly number[], options: Pick<TrendOptions, 'maxPoints'> = {}): MannKendall {
  const { t, y } = prepareSeries(ts, ys, options.maxPoints ?? TREND_DEFAULTS.maxPoints, 'mannKendall');
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    for (let j = i + 1; j < y.length; j++) s += Math.sign(t[j] - t[i]) * Math.sign(y[j] - y[i]);
  }
  const varianceS = kendallVarianceS(y);
  const z = varianceS > 0 ? (s > 0 ? (s - 1) / Math.sqrt(varianceS) : s < 0 ? (s + 1) / Math.sqrt(varianceS) : 0) : 0;
  const pIncreasing = 1 - normalCdf(z);
  const pDecreasing = normalCdf(z);
  return { s, varianceS, z, pIncreasing, pDecreasing, pTwoSided: Math.min(1, 2 * Math.min(pIncreasing, pDecreasing)) };
}
