// Pure: from the soak's interval samples to its leak and p99-drift verdicts, its thresholds and the
// harness's own growth. The fits are analyze/leak.ts's (Theil–Sen with Sen's interval, confirmed
// by Mann–Kendall) on the samples after the warm-up, within one segment: a resumed soak restarts
// its server, so memory across a resume is not one trend.
import { detectLatencyDrift, detectLeak, type DriftReport, type LeakReport } from '../analyze/leak.ts';
import type { SoakResults, ThresholdResult, Verdict } from '../contract/results.ts';
import { formatSize } from '../format/units.ts';
import type { IntervalSample } from './journal.ts';
import { parseSoakThreshold, type SlopeMetric, type SoakThreshold } from './thresholds.ts';

export interface SoakAnalysis {
  leak: SoakResults['leak'];
  drift: SoakResults['drift'];
  thresholds: ThresholdResult[];
  verdicts: Verdict[];
  harness_rss_growth_bytes?: number;
  /** The segment the trends were fitted on. */
  fitted_segment?: number;
  notes: string[];
}

export interface AnalyzeOptions {
  thresholds: readonly string[];
  memoryLimitBytes?: number;
  /** When no rss_slope threshold is given, the growth that reads as a leak (MB/h). Default 5. */
  defaultLeakMbPerHour?: number;
  defaultDriftPercent?: number;
}

const FIELD: Record<SlopeMetric, 'rss_bytes' | 'heap_used_bytes' | 'external_bytes'> = { rss_slope: 'rss_bytes', heap_slope: 'heap_used_bytes', external_slope: 'external_bytes' };
const fixed = (x: number): string => (!Number.isFinite(x) ? 'n/a' : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
const span = (s: number): string => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);

/** The post-warm-up samples of the segment with the most of them (the later one on a tie). */
export function fittedSamples(samples: readonly IntervalSample[]): { segment?: number; samples: IntervalSample[]; segments: number } {
  const bySegment = new Map<number, IntervalSample[]>();
  for (const s of samples) if (!s.warmup) (bySegment.get(s.segment) ?? bySegment.set(s.segment, []).get(s.segment)!).push(s);
  let best: [number, IntervalSample[]] | undefined;
  for (const entry of bySegment) if (!best || entry[1].length >= best[1].length) best = entry;
  return { segment: best?.[0], samples: best?.[1] ?? [], segments: new Set(samples.map((s) => s.segment)).size };
}

export function memoryPoints(samples: readonly IntervalSample[], field: 'rss_bytes' | 'heap_used_bytes' | 'external_bytes'): { t: number; bytes: number }[] {
  return samples.flatMap((s) => (typeof s[field] === 'number' ? [{ t: s.t, bytes: s[field] as number }] : []));
}

export function p99Points(samples: readonly IntervalSample[]): { t: number; p99Us: number }[] {
  return samples.filter((s) => s.requests > 0 && s.p99_us > 0).map((s) => ({ t: s.t, p99Us: s.p99_us }));
}

function leakOf(samples: readonly IntervalSample[], metric: SlopeMetric, mbPerHour: number, limitBytes?: number): LeakReport {
  return detectLeak(memoryPoints(samples, FIELD[metric]), { warmupS: 0, thresholdMbPerHour: mbPerHour, ...(limitBytes !== undefined ? { limitBytes } : {}) });
}

/** p99_drift is a total over the fitted span; leak.ts speaks percent per hour, so convert. */
function driftOf(samples: readonly IntervalSample[], totalPercent: number): { report: DriftReport; spanS: number; totalPercent: number } {
  const points = p99Points(samples);
  const spanS = points.length > 1 ? points[points.length - 1].t - points[0].t : 0;
  const perHour = Number((spanS > 0 ? totalPercent / (spanS / 3600) : totalPercent).toPrecision(3));
  const report = detectLatencyDrift(points, { warmupS: 0, thresholdPercentPerHour: perHour });
  return { report, spanS, totalPercent: (report.percentPerHour * spanS) / 3600 };
}

/**
 * Pass on a confident "below" (the interval's upper end under the limit), fail on a confident
 * "above"; when the interval straddles the limit the point estimate decides; with too few samples
 * to fit, fail: a threshold must not pass on missing data.
 */
function judge(verdict: string, below: string, above: string, actual: number, threshold: SoakThreshold): { passed: boolean; why: string } {
  if (verdict === below) return { passed: true, why: verdict };
  if (verdict === above) return { passed: false, why: verdict };
  if (!Number.isFinite(actual)) return { passed: false, why: 'too few samples after the warm-up to fit a trend' };
  const passed = threshold.op === '<' ? actual < threshold.value : actual <= threshold.value;
  return { passed, why: `inconclusive, point estimate ${passed ? 'within' : 'beyond'} the limit` };
}

function evaluate(threshold: SoakThreshold, samples: readonly IntervalSample[], limitBytes?: number): ThresholdResult {
  const limit = `limit ${threshold.op} ${fixed(threshold.value)}${threshold.unit === '%' ? '%' : ' MB/h'}`;
  let actual: number;
  let ci: string;
  let judged: { passed: boolean; why: string };
  if (threshold.metric === 'p99_drift') {
    const { report, totalPercent, spanS } = driftOf(samples, threshold.value);
    const toTotal = (perHour: number) => (perHour * spanS) / 3600;
    actual = totalPercent;
    ci = `${fixed(totalPercent)}% over ${span(spanS)} (95% CI ${fixed(toTotal(report.lowerPercentPerHour))} to ${fixed(toTotal(report.upperPercentPerHour))})`;
    judged = judge(report.verdict, 'stable', 'drift', actual, threshold);
  } else {
    const report = leakOf(samples, threshold.metric, threshold.value, limitBytes);
    actual = report.slopeMbPerHour;
    ci = `${fixed(actual)} MB/h (95% CI ${fixed(report.lowerMbPerHour)} to ${fixed(report.upperMbPerHour)})`;
    judged = judge(report.verdict, 'no leak', 'leak', actual, threshold);
    if (report.recent && report.verdict !== 'leak') {
      judged.why += ` (${report.verdict === 'no leak' ? 'levelled off' : 'may be levelling off'}: the last ${span(report.toS - report.recent.fromS)} ${fixed(report.recent.slopeMbPerHour)} MB/h)`;
    }
  }
  const name = threshold.expression.split(/\s*(?:<=|<)/)[0];
  return {
    expression: threshold.expression,
    scope: 'soak',
    actual: Number.isFinite(actual) ? actual : null,
    unit: threshold.unit,
    passed: judged.passed,
    message: `${name} = ${ci}, ${limit}: ${judged.why}: ${judged.passed ? 'passed' : 'FAILED'}`,
  };
}

const signed = (x: number): string => `${x >= 0 ? '+' : ''}${fixed(x)}`;

/** One sentence on the memory trend, in the soak's own time scale (leak.ts's reason speaks hours). */
function leakSentence(r: LeakReport, limitBytes?: number): string {
  if (!Number.isFinite(r.slopeMbPerHour)) return `server RSS: ${r.reason}`;
  const trend = `server RSS ${signed(r.slopeMbPerHour)} MB/h (95% CI ${fixed(r.lowerMbPerHour)} to ${fixed(r.upperMbPerHour)}) over ${span(r.toS - r.fromS)} after the warm-up, ${r.points} samples`;
  const limit = `${fixed(r.thresholdMbPerHour)} MB/h`;
  const lately = r.recent ? `the last ${span(r.toS - r.recent.fromS)} ${signed(r.recent.slopeMbPerHour)} MB/h (95% CI ${fixed(r.recent.lowerMbPerHour)} to ${fixed(r.recent.upperMbPerHour)})` : '';
  const why = r.verdict === 'leak' ? `above ${limit}, and a significant upward trend (Mann–Kendall p ${r.mannKendall.pIncreasing < 0.001 ? '< 0.001' : `= ${r.mannKendall.pIncreasing.toFixed(3)}`})${r.recent ? `, still growing: ${lately}` : ''}`
    : r.verdict === 'no leak' ? (r.recent ? `it levelled off: ${lately}, below ${limit}; growth that stops is a warm-up or a cache, not a leak` : `below ${limit}`)
    : r.recent ? `it may be levelling off (${lately}): run longer` : `cannot tell whether it exceeds ${limit}: run longer`;
  const p = r.projection;
  const projection = limitBytes !== undefined && p && p.secondsToLimit !== null
    ? `; at this rate it reaches the ${formatSize(limitBytes)} limit in ${span(p.secondsToLimit)}${p.secondsToLimitWorstCase !== null ? ` (${span(p.secondsToLimitWorstCase)} at the CI's upper slope)` : ''}`
    : '';
  return `${trend}: ${why}${projection}`;
}

function driftSentence(r: DriftReport, totalPercent: number, spanS: number, limitPercent: number): string {
  if (!Number.isFinite(r.percentPerHour)) return `p99: ${r.reason}`;
  const scale = (perHour: number) => (perHour * spanS) / 3600;
  const trend = `p99 ${signed(totalPercent)}% over ${span(spanS)} after the warm-up (95% CI ${fixed(scale(r.lowerPercentPerHour))} to ${fixed(scale(r.upperPercentPerHour))}%; ${signed(r.percentPerHour)}%/h) from an early ${fixed(r.earlyMedianUs / 1000)} ms`;
  const why = r.verdict === 'drift' ? `above ${fixed(limitPercent)}%, and a significant upward trend` : r.verdict === 'stable' ? `below ${fixed(limitPercent)}%` : `cannot tell whether it exceeds ${fixed(limitPercent)}%: run longer`;
  return `${trend}: ${why}`;
}

/** The harness's RSS from its first sample after the warm-up (or its first) to its last, in its latest segment. */
export function harnessGrowth(samples: readonly IntervalSample[]): number | undefined {
  const last = samples.at(-1)?.segment;
  const own = samples.filter((s) => s.segment === last && typeof s.harness_rss_bytes === 'number');
  const from = own.find((s) => !s.warmup) ?? own[0];
  const to = own.at(-1);
  return from && to ? to.harness_rss_bytes! - from.harness_rss_bytes! : undefined;
}

export function analyzeSoak(all: readonly IntervalSample[], options: AnalyzeOptions): SoakAnalysis {
  const thresholds = options.thresholds.map(parseSoakThreshold);
  const { segment, samples, segments } = fittedSamples(all);
  const notes: string[] = [];
  if (segments > 1 && segment !== undefined) notes.push(`the soak was resumed (${segments} segments, each with a fresh server): trends are fitted on segment ${segment}, the longest after its warm-up`);

  const leakLimit = thresholds.find((t) => t.metric === 'rss_slope')?.value ?? options.defaultLeakMbPerHour ?? 5;
  const rss = leakOf(samples, 'rss_slope', leakLimit, options.memoryLimitBytes);
  const heap = leakOf(samples, 'heap_slope', leakLimit);
  const external = leakOf(samples, 'external_slope', leakLimit);
  const hoursToLimit = rss.projection?.secondsToLimit;
  const leak: SoakResults['leak'] = {
    verdict: rss.verdict,
    slope_per_hour: rss.slopeMbPerHour,
    ci: [rss.lowerMbPerHour, rss.upperMbPerHour],
    summary: leakSentence(rss, options.memoryLimitBytes),
    ...(options.memoryLimitBytes !== undefined ? { limit_bytes: options.memoryLimitBytes } : {}),
    ...(hoursToLimit !== undefined && hoursToLimit !== null ? { projected_hours_to_limit: hoursToLimit / 3600 } : {}),
  };

  const driftLimit = thresholds.find((t) => t.metric === 'p99_drift')?.value ?? options.defaultDriftPercent ?? 10;
  const { report: p99, spanS, totalPercent } = driftOf(samples, driftLimit);
  const drift: SoakResults['drift'] = {
    verdict: p99.verdict,
    slope_per_hour: p99.percentPerHour,
    ci: [p99.lowerPercentPerHour, p99.upperPercentPerHour],
    summary: driftSentence(p99, totalPercent, spanS, driftLimit),
  };

  const results = thresholds.map((t) => evaluate(t, samples, options.memoryLimitBytes));
  const passedOf = (metric: string, fallback: boolean) => {
    const own = results.filter((r, i) => thresholds[i].metric === metric);
    return own.length > 0 ? own.every((r) => r.passed) : fallback;
  };
  const slopeDetail = (r: LeakReport) => ({
    verdict: r.verdict,
    mb_per_hour: r.slopeMbPerHour,
    ci: [r.lowerMbPerHour, r.upperMbPerHour],
    ...(r.recent ? { recent: { from_s: r.recent.fromS, mb_per_hour: r.recent.slopeMbPerHour, ci: [r.recent.lowerMbPerHour, r.recent.upperMbPerHour] } } : {}),
  });
  const verdicts: Verdict[] = [
    {
      kind: 'leak',
      passed: passedOf('rss_slope', rss.verdict !== 'leak'),
      summary: `${rss.verdict}: ${leak.summary}`,
      details: { segment, points: rss.points, from_s: rss.fromS, to_s: rss.toS, mann_kendall: rss.mannKendall, rss: slopeDetail(rss), heap_used: slopeDetail(heap), external: slopeDetail(external), projection: rss.projection },
    },
    {
      kind: 'p99-drift',
      passed: passedOf('p99_drift', p99.verdict !== 'drift'),
      summary: `${p99.verdict}: ${drift.summary}`,
      details: { segment, points: p99.points, early_median_us: p99.earlyMedianUs, total_percent: totalPercent, span_s: spanS, percent_per_hour: p99.percentPerHour, ci_percent_per_hour: drift.ci },
    },
  ];
  const growth = harnessGrowth(all);
  return { leak, drift, thresholds: results, verdicts, ...(growth !== undefined ? { harness_rss_growth_bytes: growth } : {}), ...(segment !== undefined ? { fitted_segment: segment } : {}), notes };
}
