// Soak verdicts: does memory grow (a leak) and does p99 drift over a long run? Robust slopes
// (Theil–Sen with Sen's interval) after a warm-up cut, confirmed by Mann–Kendall, so that a GC
// sawtooth or a few outliers do not read as a trend. A leak must also still be growing in the
// recent half: allocator arenas and caches grow for minutes and then stop, which a single fit over
// a short soak reads as a slope.
import type { SecondRow, SystemSample } from '../contract/results.ts';
import { median } from './stats.ts';
import { mannKendall, theilSen, TREND_DEFAULTS, type TheilSenFit } from './trend.ts';
import { ServebenchError } from '../contract/errors.ts';

/** 1 MB = 10^6 bytes here (as in "MB/hour"), not MiB. */
const BYTES_PER_MB = 1e6;
const SECONDS_PER_HOUR = 3600;

export interface SoakOptions {
  /** Points before this many seconds after the first are dropped (start-up, caches, JIT). */
  warmupS?: number;
  /** When warmupS is not given: drop this share of the series' duration, default 0.1. */
  warmupFraction?: number;
  /** Two-sided level of the slope's interval, default 0.95. */
  confidence?: number;
  /** Mann–Kendall one-sided significance level, default 0.05. */
  alpha?: number;
  /** Fewer points than this after the cut is `inconclusive`, default 10. */
  minPoints?: number;
  maxPoints?: number;
}

export interface LeakOptions extends SoakOptions {
  /** Growth that counts as a leak, MB/hour, default 1. */
  thresholdMbPerHour?: number;
  /** A memory limit to project the time to (container limit, OOM killer), bytes. */
  limitBytes?: number;
  /** The share of the fitted span (its end) that must still grow for a leak, default 0.5. */
  recentFraction?: number;
}

export interface DriftOptions extends SoakOptions {
  /** p99 growth that counts as drift, percent of the early median per hour, default 5. */
  thresholdPercentPerHour?: number;
  /** The early median is over this share of the points after the cut (at least 10 points), default 0.1. */
  earlyFraction?: number;
}

export interface TrendSummary {
  /** Points used after the warm-up cut, and the time span they cover (s). */
  points: number;
  fromS: number;
  toS: number;
  confidence: number;
  mannKendall: { z: number; pIncreasing: number };
}

export interface LeakReport extends TrendSummary {
  verdict: 'leak' | 'no leak' | 'inconclusive';
  reason: string;
  slopeMbPerHour: number;
  lowerMbPerHour: number;
  upperMbPerHour: number;
  thresholdMbPerHour: number;
  /** The fit over the recent part of the span, made when the whole span reads as growth. */
  recent?: { fromS: number; points: number; slopeMbPerHour: number; lowerMbPerHour: number; upperMbPerHour: number };
  projection?: {
    limitBytes: number;
    /** The fitted line's value at the last point (robust to a GC spike at the end). */
    fittedLastBytes: number;
    /** At the estimated slope; null when memory does not grow. */
    secondsToLimit: number | null;
    /** At the interval's upper slope: the soonest plausible. */
    secondsToLimitWorstCase: number | null;
  };
}

export interface DriftReport extends TrendSummary {
  verdict: 'drift' | 'stable' | 'inconclusive';
  reason: string;
  earlyMedianUs: number;
  percentPerHour: number;
  lowerPercentPerHour: number;
  upperPercentPerHour: number;
  thresholdPercentPerHour: number;
}

interface Cut {
  t: number[];
  y: number[];
}

function cutWarmup(t: readonly number[], y: readonly number[], options: SoakOptions): Cut {
  if (t.length === 0) return { t: [], y: [] };
  const first = Math.min(...t);
  const last = Math.max(...t);
  const warmup = options.warmupS ?? (last - first) * (options.warmupFraction ?? 0.1);
  if (!(warmup >= 0)) throw new ServebenchError('SB_ERR_INVALID_INPUT', `soak: warm-up must be >= 0 seconds, got ${warmup}`);
  const keep = t.map((_, i) => i).filter((i) => t[i] >= first + warmup);
  return { t: keep.map((i) => t[i]), y: keep.map((i) => y[i]) };
}

function fitTrend(cut: Cut, options: SoakOptions): { fit: TheilSenFit; summary: TrendSummary; significant: boolean } {
  const confidence = options.confidence ?? TREND_DEFAULTS.confidence;
  const maxPoints = options.maxPoints ?? TREND_DEFAULTS.maxPoints;
  const fit = theilSen(cut.t, cut.y, { confidence, maxPoints });
  const mk = mannKendall(cut.t, cut.y, { maxPoints });
  const summary = { points: cut.t.length, fromS: cut.t[0], toS: cut.t[cut.t.length - 1], confidence, mannKendall: { z: mk.z, pIncreasing: mk.pIncreasing } };
  return { fit, summary, significant: mk.pIncreasing < (options.alpha ?? 0.05) };
}

const mbPerHour = (bytesPerS: number): number => (bytesPerS * SECONDS_PER_HOUR) / BYTES_PER_MB;
const hours = (s: number): string => `${(s / SECONDS_PER_HOUR).toFixed(1)} h`;
const fixed = (x: number): string => (Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

/** Memory (bytes) over time (s) -> growth in MB/hour with its interval, a verdict, and the time to a limit. */
export function detectLeak(points: readonly { t: number; bytes: number }[], options: LeakOptions = {}): LeakReport {
  const threshold = options.thresholdMbPerHour ?? 1;
  const minPoints = Math.max(3, options.minPoints ?? 10);
  const fraction = options.recentFraction ?? 0.5;
  if (!(fraction > 0 && fraction <= 1)) throw new ServebenchError('SB_ERR_INVALID_INPUT', `soak: recentFraction must be in (0, 1], got ${fraction}`);
  const cut = cutWarmup(points.map((p) => p.t), points.map((p) => p.bytes), options);
  const empty = { points: cut.t.length, fromS: cut.t[0] ?? NaN, toS: cut.t.at(-1) ?? NaN, confidence: options.confidence ?? TREND_DEFAULTS.confidence, mannKendall: { z: NaN, pIncreasing: NaN } };
  if (cut.t.length < minPoints) {
    return { ...empty, verdict: 'inconclusive', reason: `only ${cut.t.length} memory samples after the warm-up cut; need at least ${minPoints} (run longer or sample more often)`, slopeMbPerHour: NaN, lowerMbPerHour: NaN, upperMbPerHour: NaN, thresholdMbPerHour: threshold };
  }
  const { fit, summary, significant } = fitTrend(cut, options);
  const [slope, lower, upper] = [mbPerHour(fit.slope), mbPerHour(fit.lower), mbPerHour(fit.upper)];
  const interval = (lo: number, hi: number): string => `${Math.round(summary.confidence * 100)}% CI ${fixed(lo)} to ${fixed(hi)}`;
  const ci = interval(lower, upper);
  const grows = `memory ${slope >= 0 ? 'grows' : 'shrinks'} ${fixed(Math.abs(slope))} MB/h (${ci}) over ${hours(summary.toS - summary.fromS)} after the warm-up`;

  let projection: LeakReport['projection'];
  let projectionText = '';
  if (options.limitBytes !== undefined) {
    const lastT = cut.t[cut.t.length - 1];
    const fittedLastBytes = fit.intercept + fit.slope * lastT;
    const until = (bytesPerS: number): number | null => (bytesPerS > 0 ? Math.max(0, (options.limitBytes! - fittedLastBytes) / bytesPerS) : null);
    projection = { limitBytes: options.limitBytes, fittedLastBytes, secondsToLimit: until(fit.slope), secondsToLimitWorstCase: until(fit.upper) };
    if (projection.secondsToLimit !== null) {
      const worst = projection.secondsToLimitWorstCase;
      projectionText = `; at this rate it reaches the ${fixed(options.limitBytes / BYTES_PER_MB)} MB limit in ${hours(projection.secondsToLimit)}${worst !== null ? ` (${hours(worst)} at the interval's upper slope)` : ''}`;
    }
  }
  const base = { ...summary, slopeMbPerHour: slope, lowerMbPerHour: lower, upperMbPerHour: upper, thresholdMbPerHour: threshold, projection };
  if (lower > threshold && significant) {
    const recent = recentFit(cut, options, minPoints);
    if (!recent) return { ...base, verdict: 'leak', reason: `${grows}: above ${threshold} MB/h and a significant trend${projectionText}` };
    const withRecent = { ...base, recent };
    const lately = `the last ${hours(summary.toS - recent.fromS)} grow ${fixed(recent.slopeMbPerHour)} MB/h (${interval(recent.lowerMbPerHour, recent.upperMbPerHour)})`;
    if (recent.upperMbPerHour < threshold) {
      // No projection: the growth that would reach the limit has stopped.
      return { ...withRecent, projection: undefined, verdict: 'no leak', reason: `${grows}, but it levelled off: ${lately}, below ${threshold} MB/h (growth that stops is a warm-up, a cache or an allocator arena, not a leak)` };
    }
    if (recent.slopeMbPerHour < threshold) {
      return { ...withRecent, verdict: 'inconclusive', reason: `${grows}, but it may be levelling off: ${lately}; run longer` };
    }
    return { ...withRecent, verdict: 'leak', reason: `${grows}: above ${threshold} MB/h and a significant trend, still growing lately (${lately})${projectionText}` };
  }
  if (upper < threshold) return { ...base, verdict: 'no leak', reason: `${grows}: below ${threshold} MB/h` };
  return { ...base, verdict: 'inconclusive', reason: `${grows}: cannot tell whether it exceeds ${threshold} MB/h; run longer${projectionText}` };
}

/** The fit over the last recentFraction of the span, or undefined when it has too few points to say anything. */
function recentFit(cut: Cut, options: LeakOptions, minPoints: number): LeakReport['recent'] {
  const fraction = options.recentFraction ?? 0.5;
  const from = cut.t[cut.t.length - 1] - (cut.t[cut.t.length - 1] - cut.t[0]) * fraction;
  const keep = cut.t.map((_, i) => i).filter((i) => cut.t[i] >= from);
  if (keep.length < minPoints) return undefined;
  const fit = theilSen(keep.map((i) => cut.t[i]), keep.map((i) => cut.y[i]), { confidence: options.confidence ?? TREND_DEFAULTS.confidence, maxPoints: options.maxPoints ?? TREND_DEFAULTS.maxPoints });
  return { fromS: cut.t[keep[0]], points: keep.length, slopeMbPerHour: mbPerHour(fit.slope), lowerMbPerHour: mbPerHour(fit.lower), upperMbPerHour: mbPerHour(fit.upper) };
}

/** p99 (us) over time (s) -> drift in percent of the early median per hour, with its interval and a verdict. */
export function detectLatencyDrift(points: readonly { t: number; p99Us: number }[], options: DriftOptions = {}): DriftReport {
  const threshold = options.thresholdPercentPerHour ?? 5;
  const minPoints = Math.max(3, options.minPoints ?? 10);
  const usable = points.filter((p) => p.p99Us > 0); // 0 marks a second with no completed request
  const cut = cutWarmup(usable.map((p) => p.t), usable.map((p) => p.p99Us), options);
  const confidence = options.confidence ?? TREND_DEFAULTS.confidence;
  if (cut.t.length < minPoints) {
    return {
      points: cut.t.length, fromS: cut.t[0] ?? NaN, toS: cut.t.at(-1) ?? NaN, confidence, mannKendall: { z: NaN, pIncreasing: NaN },
      verdict: 'inconclusive', reason: `only ${cut.t.length} p99 samples after the warm-up cut; need at least ${minPoints}`,
      earlyMedianUs: NaN, percentPerHour: NaN, lowerPercentPerHour: NaN, upperPercentPerHour: NaN, thresholdPercentPerHour: threshold,
    };
  }
  const earlyCount = Math.min(cut.t.length, Math.max(10, Math.ceil(cut.t.length * (options.earlyFraction ?? 0.1))));
  const earlyMedianUs = median(cut.y.slice(0, earlyCount));
  const { fit, summary, significant } = fitTrend(cut, options);
  const percent = (usPerS: number): number => ((usPerS * SECONDS_PER_HOUR) / earlyMedianUs) * 100;
  const [rate, lower, upper] = [percent(fit.slope), percent(fit.lower), percent(fit.upper)];
  const moved = `p99 ${rate >= 0 ? 'rises' : 'falls'} ${fixed(Math.abs(rate))}%/h of its early ${fixed(earlyMedianUs / 1000)} ms (${Math.round(confidence * 100)}% CI ${fixed(lower)} to ${fixed(upper)})`;
  const base = { ...summary, earlyMedianUs, percentPerHour: rate, lowerPercentPerHour: lower, upperPercentPerHour: upper, thresholdPercentPerHour: threshold };
  if (lower > threshold && significant) return { ...base, verdict: 'drift', reason: `${moved}: above ${threshold}%/h and a significant trend` };
  if (upper < threshold) return { ...base, verdict: 'stable', reason: `${moved}: below ${threshold}%/h` };
  return { ...base, verdict: 'inconclusive', reason: `${moved}: cannot tell whether it exceeds ${threshold}%/h; run longer` };
}

/** A memory series from results.json's system samples (server RSS by default), skipping samples without it. */
export function memorySeries(system: readonly SystemSample[], field: 'server_rss_bytes' | 'server_heap_used_bytes' | 'server_external_bytes' = 'server_rss_bytes'): { t: number; bytes: number }[] {
  return system.flatMap((s) => (typeof s[field] === 'number' ? [{ t: s.t, bytes: s[field] as number }] : []));
}

/** A p99 series from results.json's per-second rows, optionally of one phase. */
export function p99Series(rows: readonly SecondRow[], phase?: string): { t: number; p99Us: number }[] {
  return rows.filter((r) => phase === undefined || r.phase === phase).map((r) => ({ t: r.t, p99Us: r.p99_us }));
}
