// k6-like thresholds: `p99 < 50ms`, `error_rate < 0.1%`, `throughput > 500/s`. Parsing and
// evaluation are pure; the runner decides which numbers a threshold is evaluated on.
import type { LatencySummary, ThresholdResult } from '../contract/results.ts';
import { formatDurationMs, formatNumber, formatPercent, parseDurationMs, parseRate, parseRatio, UnitError } from './units.ts';

export type LatencyMetric = 'min' | 'mean' | 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max';
export type ThresholdMetric = LatencyMetric | 'error_rate' | 'throughput';
export type ThresholdOp = '<' | '<=' | '>' | '>=';
/** us for latency, ratio for error_rate, rps for throughput. */
export type ThresholdUnit = 'us' | 'ratio' | 'rps';

export interface Threshold {
  metric: ThresholdMetric;
  op: ThresholdOp;
  /** Normalised: microseconds for latency, a ratio for error_rate, requests/s for throughput. */
  value: number;
  unit: ThresholdUnit;
  /** As written (trimmed). */
  expression: string;
}

/** What a threshold is evaluated on (a phase's or the run's totals). */
export interface ObservedMetrics {
  /** p95 is not in LatencySummary; give it (from the histogram) to evaluate p95 thresholds. */
  latency_us: LatencySummary & { p95?: number };
  error_rate: number;
  throughput_rps: number;
}

export class ThresholdError extends Error {
  readonly code = 'SB_ERR_THRESHOLD';

  constructor(message: string) {
    super(message);
    this.name = 'ThresholdError';
  }
}

const LATENCY_METRICS: readonly LatencyMetric[] = ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'];
/** k6 spells percentiles p(99), p(99.9). */
const K6_PERCENTILES: Record<string, LatencyMetric> = { '50': 'p50', '90': 'p90', '95': 'p95', '99': 'p99', '99.9': 'p999' };
const METRIC_NAMES = [...LATENCY_METRICS, 'error_rate', 'throughput', 'rps'];
const SHAPE = /^\s*([a-z_]+[a-z0-9_]*|p\(\s*[\d.]+\s*\))\s*(<=|>=|<|>)\s*(.*?)\s*$/i;

/** `[pP]99`: the parser lowercases metric names, and a JSON Schema pattern has no `i` flag. */
const caseless = (word: string): string => word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);
const NUMBER = '(\\d+(\\.\\d+)?|\\.\\d+)';
// SHAPE reads the value with `.`, which stops at line ends: spaces inside a value hold none.
const INNER_SPACE = '[^\\S\\n\\r\\u2028\\u2029]*';
const OP = '\\s*(<=|>=|<|>)\\s*';
const LATENCY_NAMES = `(${LATENCY_METRICS.map(caseless).join('|')}|p\\(\\s*(${Object.keys(K6_PERCENTILES).map((k) => k.replace('.', '\\.')).join('|')})\\s*\\))`;
// A unit is required: parseThreshold refuses a bare latency number.
const LATENCY_VALUE = `${NUMBER}${INNER_SPACE}(us|µs|ms|s|m|min|h)`;
// parseRatio: a percentage up to 100, or a plain ratio up to 1.
const RATIO_VALUE = `(0*(\\d{1,2}(\\.\\d+)?|100(\\.0+)?)|\\.\\d+)${INNER_SPACE}%|0+(\\.\\d+)?|0*1(\\.0+)?|\\.\\d+`;
const RATE_VALUE = `${NUMBER}${INNER_SPACE}(/s|/sec|rps|req/s|/m|/min)?`;

/**
 * The strings parseThreshold accepts, as a JSON Schema pattern, so editors refuse `p98 < 10ms` as
 * they type. Exact up to floating point: `error_rate < 1.00000000000000001` (which the parser
 * rounds to 1) is refused here. test/scenario/thresholdPattern.test.ts holds the two together.
 */
export const THRESHOLD_PATTERN = `^\\s*(${LATENCY_NAMES}${OP}(${LATENCY_VALUE})|${caseless('error_rate')}${OP}(${RATIO_VALUE})|(${caseless('throughput')}|${caseless('rps')})${OP}(${RATE_VALUE}))\\s*$`;

function metricOf(name: string): ThresholdMetric | undefined {
  const k6 = /^p\(\s*([\d.]+)\s*\)$/.exec(name);
  if (k6) return K6_PERCENTILES[k6[1]];
  const lower = name.toLowerCase();
  if (lower === 'rps') return 'throughput';
  return (LATENCY_METRICS as readonly string[]).includes(lower) || lower === 'error_rate' || lower === 'throughput'
    ? (lower as ThresholdMetric)
    : undefined;
}

function isLatency(metric: ThresholdMetric): metric is LatencyMetric {
  return (LATENCY_METRICS as readonly string[]).includes(metric);
}

/** Parse one expression; throws ThresholdError naming the expression and what was expected. */
export function parseThreshold(expression: string): Threshold {
  const text = typeof expression === 'string' ? expression.trim() : '';
  const quoted = JSON.stringify(typeof expression === 'string' ? text : expression);
  const shape = SHAPE.exec(text);
  if (!shape) {
    throw new ThresholdError(`${quoted}: expected "<metric> <op> <value>" like "p99 < 50ms", "error_rate < 1%" or "throughput > 500/s"`);
  }
  const [, name, op, rawValue] = shape;
  const metric = metricOf(name);
  if (!metric) throw new ThresholdError(`${quoted}: unknown metric "${name}", expected one of ${METRIC_NAMES.join(', ')}`);
  if (rawValue === '') throw new ThresholdError(`${quoted}: expected a value after "${op}"`);
  const base = { metric, op: op as ThresholdOp, expression: text };
  try {
    if (isLatency(metric)) {
      // A bare number would be ambiguous (ms? us?): latency limits carry their unit.
      if (/^[\d.]+$/.test(rawValue)) throw new UnitError('');
      return { ...base, value: parseDurationMs(rawValue) * 1000, unit: 'us' };
    }
    if (metric === 'error_rate') return { ...base, value: parseRatio(rawValue), unit: 'ratio' };
    return { ...base, value: parseRate(rawValue), unit: 'rps' };
  } catch (err) {
    if (!(err instanceof UnitError)) throw err;
    const expected = isLatency(metric)
      ? 'a duration like 50ms'
      : metric === 'error_rate'
        ? 'a ratio like 0.001 or a percentage like 0.1%'
        : 'a rate like 500/s';
    throw new ThresholdError(`${quoted}: expected ${expected}`);
  }
}

/** A threshold's number in its own unit, for messages: `50ms`, `0.1%`, `500/s`. */
export function formatThresholdValue(value: number, unit: ThresholdUnit): string {
  if (unit === 'us') return formatDurationMs(value / 1000);
  if (unit === 'ratio') return formatPercent(value);
  return `${formatNumber(value, 1)}/s`;
}

function observedValue(threshold: Threshold, observed: ObservedMetrics): { actual: number | null; missing?: string } {
  const { metric } = threshold;
  if (metric === 'error_rate') return { actual: observed.error_rate };
  if (metric === 'throughput') return { actual: observed.throughput_rps };
  if (observed.latency_us.count === 0) return { actual: null, missing: 'no request completed' };
  const value = observed.latency_us[metric];
  if (value === undefined) return { actual: null, missing: `${metric} not measured` };
  return { actual: value };
}

function compare(actual: number, op: ThresholdOp, limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
  }
}

/**
 * Check one threshold against observed numbers. A threshold that cannot be evaluated (no request
 * completed, p95 not given) fails: a gate must not pass on missing data.
 */
export function evaluateThreshold(threshold: Threshold, observed: ObservedMetrics, scope = '*'): ThresholdResult {
  const { metric, op, value, unit, expression } = threshold;
  const name = expression.split(/\s*(?:<=|>=|<|>)/)[0];
  const limit = `limit ${op} ${formatThresholdValue(value, unit)}`;
  const { actual, missing } = observedValue(threshold, observed);
  if (actual === null || !Number.isFinite(actual)) {
    const why = missing ?? `${metric} is ${actual}`;
    return { expression, scope, actual: null, unit, passed: false, message: `${name}: ${why}, ${limit}: FAILED` };
  }
  const passed = compare(actual, op, value);
  const message = `${name} = ${formatThresholdValue(actual, unit)}, ${limit}: ${passed ? 'passed' : 'FAILED'}`;
  return { expression, scope, actual, unit, passed, message };
}
