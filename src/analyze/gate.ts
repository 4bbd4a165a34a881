// `servebench gate`: is the current run worse than the baseline? One run on a shared CI machine is
// not evidence, so each side is several repeats and every verdict carries the interval behind it.
//
// Decision rule, per rule, with the change oriented so that positive = worse:
//   regressed     the estimate is beyond the tolerance AND the interval excludes 0 (a real change,
//                 and a big one): false alarms stay near the one-sided (1-c)/2 level with no change
//   improved      the mirror image: better by more than the tolerance, interval excludes 0
//   no change     the interval's worse end is within the tolerance (a breach is ruled out)
//   inconclusive  anything else: the interval straddles the tolerance, too noisy to tell
// The interval is a seeded percentile bootstrap of median(current)/median(baseline) (relative
// rules) or of median(current) - median(baseline) (error_rate, in absolute points).
import type { RunResults } from '../contract/results.ts';
import { mulberry32 } from './random.ts';
import { bootstrapMedians, checkConfidence, median, percentileInterval } from './stats.ts';
import { ServebenchError } from '../contract/errors.ts';

export const GATE_METRICS = ['p50', 'p90', 'p99', 'p999', 'mean', 'throughput', 'error_rate'] as const;
export type GateMetric = (typeof GATE_METRICS)[number];

/** Which way each metric gets worse. */
const WORSE_WHEN: Record<GateMetric, 'rise' | 'drop'> = {
  p50: 'rise', p90: 'rise', p99: 'rise', p999: 'rise', mean: 'rise', throughput: 'drop', error_rate: 'rise',
};

const METRIC_ALIASES: Record<string, GateMetric> = { 'p99.9': 'p999', rps: 'throughput', errors: 'error_rate' };

export interface RelativeRule {
  /** As written: `p99 may rise at most 10%`. */
  expression: string;
  metric: GateMetric;
  /** The direction that counts as worse. */
  direction: 'rise' | 'drop';
  /** relative: a fraction of the baseline (0.1 = 10%); absolute: points of the metric itself (error_rate 0.001 = 0.1%). */
  tolerance: number;
  mode: 'relative' | 'absolute';
}

const RULE_PATTERN = /^\s*([a-z_][a-z0-9_.]*)\s+may\s+(rise|increase|grow|drop|fall|decrease)\s+(?:by\s+)?at\s+most\s+([0-9]*\.?[0-9]+)\s*(%?)\s*$/i;

/** Parses `p99 may rise at most 10%`, `throughput may drop at most 5%`, `error_rate may rise at most 0.1%` (points). */
export function parseRelativeRule(expression: string): RelativeRule {
  const fail = (problem: string): never => {
    throw new ServebenchError('SB_ERR_GATE_RULE', `gate rule "${expression}": ${problem}`);
  };
  const m = RULE_PATTERN.exec(expression);
  if (!m) return fail('expected "<metric> may rise|drop at most <N>%", e.g. "p99 may rise at most 10%" or "throughput may drop at most 5%"');
  const word = m[1].toLowerCase();
  const metric = METRIC_ALIASES[word] ?? (GATE_METRICS as readonly string[]).find((g) => g === word);
  if (!metric) return fail(`unknown metric "${m[1]}"; expected one of ${GATE_METRICS.join(', ')}`);
  const metricName = metric as GateMetric;
  const direction = /rise|increase|grow/i.test(m[2]) ? 'rise' : 'drop';
  const worse = WORSE_WHEN[metricName];
  if (direction !== worse) {
    return fail(`${metricName} is worse when it ${worse === 'rise' ? 'rises' : 'drops'}; write "${metricName} may ${worse} at most ${m[3]}%"`);
  }
  if (m[4] !== '%') return fail(`the limit must be a percentage, e.g. "${m[3]}%"`);
  const percent = Number(m[3]);
  if (direction === 'drop' && percent >= 100) return fail(`a drop of ${percent}% or more is no limit; use a percentage below 100`);
  const mode = metricName === 'error_rate' ? 'absolute' : 'relative';
  return { expression: expression.trim(), metric: metricName, direction, tolerance: percent / 100, mode };
}

/** One repeat's numbers, by metric (latencies in microseconds, throughput in rps, error_rate a fraction). */
export type GateSample = Partial<Record<GateMetric, number>>;

export type GateVerdict = 'regressed' | 'improved' | 'no change' | 'inconclusive';

export interface GateOptions {
  /** Two-sided level of the interval; each verdict uses one side, so 0.90 means one-sided 95%. */
  confidence?: number;
  resamples?: number;
  seed?: number;
  /** Repeats needed per side before anything but `inconclusive` is said. */
  minRepeats?: number;
}

export interface SideSummary {
  n: number;
  median: number;
  min: number;
  max: number;
  /** (max - min) / median: the spread between repeats. */
  relativeSpread: number;
}

export interface RuleVerdict {
  rule: RelativeRule;
  verdict: GateVerdict;
  /** One line a person reads first. */
  reason: string;
  baseline: SideSummary;
  current: SideSummary;
  /** relative: current/baseline - 1; absolute: current - baseline (both in the metric's own orientation). */
  change: { kind: 'relative' | 'absolute'; estimate: number; lower: number; upper: number; confidence: number };
}

export interface GateReport {
  verdict: GateVerdict;
  /** True when no rule regressed (inconclusive passes: it is reported, the caller decides). */
  passed: boolean;
  rules: RuleVerdict[];
}

export const GATE_DEFAULTS = { confidence: 0.9, resamples: 2000, seed: 1, minRepeats: 2 } as const;

function summarise(values: readonly number[]): SideSummary {
  if (values.length === 0) return { n: 0, median: NaN, min: NaN, max: NaN, relativeSpread: NaN };
  const med = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { n: values.length, median: med, min, max, relativeSpread: med !== 0 ? (max - min) / Math.abs(med) : 0 };
}

function formatChange(rule: RelativeRule, x: number): string {
  const percent = x * 100;
  const digits = Math.abs(percent) < 1 ? 2 : 1;
  const text = `${percent >= 0 ? '+' : ''}${percent.toFixed(digits)}`;
  return rule.mode === 'relative' ? `${text}%` : `${text} points`;
}

/** Compares one metric's per-repeat values of a baseline and a current run under one rule. */
export function compareRule(rule: RelativeRule, baseline: readonly number[], current: readonly number[], options: GateOptions = {}): RuleVerdict {
  const confidence = checkConfidence(options.confidence ?? GATE_DEFAULTS.confidence, 'gate');
  const minRepeats = Math.max(1, options.minRepeats ?? GATE_DEFAULTS.minRepeats);
  for (const [side, values] of [['baseline', baseline], ['current', current]] as const) {
    const bad = values.findIndex((v) => !Number.isFinite(v) || v < 0);
    if (bad >= 0) throw new ServebenchError('SB_ERR_INVALID_INPUT', `gate: ${side} ${rule.metric} of repeat ${bad + 1} is ${values[bad]}, expected a finite number >= 0`);
  }
  const base = summarise(baseline);
  const cur = summarise(current);
  const kind = rule.mode;
  const nan = { kind, estimate: NaN, lower: NaN, upper: NaN, confidence };
  const out = (verdict: GateVerdict, reason: string, change = nan): RuleVerdict => ({ rule, verdict, reason, baseline: base, current: cur, change });

  if (base.n === 0 || cur.n === 0) {
    return out('inconclusive', `${rule.metric}: not recorded in the ${base.n === 0 ? 'baseline' : 'current'} runs, nothing to compare`);
  }
  if (base.n < minRepeats || cur.n < minRepeats) {
    return out('inconclusive', `${rule.metric}: ${base.n} baseline and ${cur.n} current repeat(s); one run is not evidence, need at least ${minRepeats} of each (3-5 recommended)`);
  }
  if (kind === 'relative' && baseline.some((v) => v === 0)) {
    return out('inconclusive', `${rule.metric}: a baseline repeat is 0, so a relative change is undefined; check the baseline run`);
  }

  const uniform = mulberry32(options.seed ?? GATE_DEFAULTS.seed);
  const resamples = options.resamples ?? GATE_DEFAULTS.resamples;
  const bm = bootstrapMedians(baseline, resamples, uniform);
  const cm = bootstrapMedians(current, resamples, uniform);
  const dist = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) dist[r] = kind === 'relative' ? cm[r] / bm[r] - 1 : cm[r] - bm[r];
  const estimate = kind === 'relative' ? cur.median / base.median - 1 : cur.median - base.median;
  const { lower, upper } = percentileInterval(dist, confidence);
  const change = { kind, estimate, lower, upper, confidence };

  // Orient so that positive = worse.
  const sign = rule.direction === 'rise' ? 1 : -1;
  const worse = sign * estimate;
  const [worseLow, worseHigh] = sign > 0 ? [lower, upper] : [-upper, -lower];
  const tol = rule.tolerance;
  const ci = `${Math.round(confidence * 100)}% CI ${formatChange(rule, lower)} to ${formatChange(rule, upper)}`;
  const allowed = rule.mode === 'relative' ? `${+(tol * 100).toFixed(4)}%` : `${+(tol * 100).toFixed(4)} points`;
  const moved = `${rule.metric} ${formatChange(rule, estimate)} (${ci})`;

  if (worse > tol && worseLow > 0) return out('regressed', `${moved}: worse by more than the ${allowed} allowed`, change);
  if (worse < -tol && worseHigh < 0) return out('improved', `${moved}: better by more than ${allowed}`, change);
  if (worseHigh <= tol) return out('no change', `${moved}: within the ${allowed} allowed`, change);
  const spread = `repeat spread ${(base.relativeSpread * 100).toFixed(0)}% baseline, ${(cur.relativeSpread * 100).toFixed(0)}% current`;
  return out('inconclusive', `${moved}: too noisy to tell whether it breaks the ${allowed} allowed (${spread}); run more repeats or on a quieter machine`, change);
}

/** Gates a current run against a baseline under every rule; the worst verdict is the gate's. */
export function gate(
  baseline: readonly GateSample[],
  current: readonly GateSample[],
  rules: readonly (RelativeRule | string)[],
  options: GateOptions = {},
): GateReport {
  if (rules.length === 0) throw new ServebenchError('SB_ERR_GATE_RULE', 'gate: no rules given; add one such as "p99 may rise at most 10%"');
  const parsed = rules.map((r) => (typeof r === 'string' ? parseRelativeRule(r) : r));
  const pick = (samples: readonly GateSample[], metric: GateMetric): number[] =>
    samples.map((s) => s[metric]).filter((v): v is number => v !== undefined);
  const seed = options.seed ?? GATE_DEFAULTS.seed;
  const results = parsed.map((rule, i) => compareRule(rule, pick(baseline, rule.metric), pick(current, rule.metric), { ...options, seed: seed + i }));
  const has = (v: GateVerdict): boolean => results.some((r) => r.verdict === v);
  const verdict: GateVerdict = has('regressed') ? 'regressed' : has('inconclusive') ? 'inconclusive' : has('improved') ? 'improved' : 'no change';
  return { verdict, passed: !has('regressed'), rules: results };
}

/** One repeat's gate sample from its results.json totals. */
export function gateSampleOf(results: Pick<RunResults, 'totals'>): GateSample {
  const { latency_us: l, throughput_rps, error_rate } = results.totals;
  return { p50: l.p50, p90: l.p90, p99: l.p99, p999: l.p999, mean: l.mean, throughput: throughput_rps, error_rate };
}
