// The one threshold grammar, k6-like: `<metric> <op> <value>` over one registry of metrics: a
// run's (`p99 < 50ms`, `error_rate < 0.1%`, `throughput > 500/s`) and a soak's trends
// (`rss_slope < 5MB/h`, `p99_drift < 10%`). Each metric says where it may be written (a scenario's
// thresholds or its soak section), its unit and the comparisons it takes. Parsing and evaluation are
// pure; the runner and the soak decide which numbers a threshold is evaluated on.
import type { LatencySummary, ThresholdResult } from '../contract/results.ts';
import { parseDurationMs, parseGrowthRate, parseRate, parseRatio, PERCENT_RE } from './units.ts';
import { formatDurationMs, formatNumber, formatPercent } from '../format/units.ts';
import { ServebenchError, isServebenchError } from '../contract/errors.ts';

export type LatencyMetric = 'min' | 'mean' | 'p50' | 'p90' | 'p95' | 'p99' | 'p999' | 'max';
export type ThresholdMetric = LatencyMetric | 'error_rate' | 'throughput';
export type SlopeMetric = 'rss_slope' | 'heap_slope' | 'external_slope';
export type SoakMetric = SlopeMetric | 'p99_drift';
export type ThresholdOp = '<' | '<=' | '>' | '>=';
/** us for latency, ratio for error_rate, rps for throughput. */
export type ThresholdUnit = 'us' | 'ratio' | 'rps';
/** Where a threshold is written: a scenario's (or phase's) `thresholds`, or `soak.thresholds`. */
export type ThresholdScope = 'run' | 'soak';

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

const LATENCY_METRICS: readonly LatencyMetric[] = ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'];
/** k6 spells percentiles p(99), p(99.9). */
const K6_PERCENTILES: Record<string, LatencyMetric> = { '50': 'p50', '90': 'p90', '95': 'p95', '99': 'p99', '99.9': 'p999' };
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

/** A family of metrics sharing a unit, the comparisons they take and where they may be written. */
interface MetricFamily {
  scope: ThresholdScope;
  /** Canonical names (aliases map onto them in `aliases`). */
  names: readonly string[];
  aliases?: Record<string, string>;
  unit: string;
  ops: readonly ThresholdOp[];
  /** Why another comparison is refused. */
  opsMessage?: string;
  /** The value in the family's unit; throws SB_ERR_UNIT. */
  parse(raw: string): number;
  /** What a value looks like, for messages. */
  expected: string;
  /** The names and the value as a JSON Schema pattern (`(names)OP(value)`), for editors; absent: not published. */
  pattern?: string;
}

const ALL_OPS: readonly ThresholdOp[] = ['<', '<=', '>', '>='];
const UPPER_BOUNDS: readonly ThresholdOp[] = ['<', '<='];
const SOAK_OPS = 'soak thresholds are upper bounds: use < or <=';

/** The metric registry: every metric a threshold may name. */
const FAMILIES: readonly MetricFamily[] = [
  {
    scope: 'run', names: LATENCY_METRICS, unit: 'us', ops: ALL_OPS, expected: 'a duration like 50ms',
    // A bare number would be ambiguous (ms? us?): latency limits carry their unit.
    parse: (raw) => {
      if (/^[\d.]+$/.test(raw)) throw new ServebenchError('SB_ERR_UNIT', '');
      return parseDurationMs(raw) * 1000;
    },
    pattern: `${LATENCY_NAMES}${OP}(${LATENCY_VALUE})`,
  },
  {
    scope: 'run', names: ['error_rate'], unit: 'ratio', ops: ALL_OPS, expected: 'a ratio like 0.001 or a percentage like 0.1%',
    parse: (raw) => parseRatio(raw), pattern: `${caseless('error_rate')}${OP}(${RATIO_VALUE})`,
  },
  {
    scope: 'run', names: ['throughput'], aliases: { rps: 'throughput' }, unit: 'rps', ops: ALL_OPS, expected: 'a rate like 500/s',
    parse: (raw) => parseRate(raw), pattern: `(${caseless('throughput')}|${caseless('rps')})${OP}(${RATE_VALUE})`,
  },
  // Memory growth after the soak's warm-up, MB/hour (10^6 bytes): nobody asks memory to grow at least so fast.
  { scope: 'soak', names: ['rss_slope', 'heap_slope', 'external_slope'], unit: 'MB/h', ops: UPPER_BOUNDS, opsMessage: SOAK_OPS, expected: 'a growth rate like 5MB/h', parse: parseGrowthRate },
  // p99's fitted change over the soak after its warm-up, percent of its early level (above 100: p99 may double).
  {
    scope: 'soak', names: ['p99_drift'], unit: '%', ops: UPPER_BOUNDS, opsMessage: SOAK_OPS, expected: 'a percentage like 10%',
    parse: (raw) => {
      const match = PERCENT_RE.exec(raw);
      if (!match) throw new ServebenchError('SB_ERR_UNIT', '');
      return Number(match[1]);
    },
  },
];

const SCOPE_TEXT: Record<ThresholdScope, { shape: string; unknown: string; elsewhere: string }> = {
  run: {
    shape: 'expected "<metric> <op> <value>" like "p99 < 50ms", "error_rate < 1%" or "throughput > 500/s"',
    unknown: 'unknown metric',
    elsewhere: 'memory and p99 trends go in the soak section\'s thresholds (soak.thresholds)',
  },
  soak: {
    shape: 'expected "<metric> < <value>" like "rss_slope < 5MB/h" or "p99_drift < 10%"',
    unknown: 'unknown soak metric',
    elsewhere: 'latency, error and throughput limits go in the scenario\'s thresholds (evaluated over the soak after its warm-up)',
  },
};

/** The metric a name means (`P99`, `p(99)`, `rps`), with its family. */
function lookup(name: string): { metric: string; family: MetricFamily } | undefined {
  const k6 = /^p\(\s*([\d.]+)\s*\)$/.exec(name);
  const lower = k6 ? K6_PERCENTILES[k6[1]] : name.toLowerCase();
  if (lower === undefined) return undefined;
  for (const family of FAMILIES) {
    if (family.names.includes(lower)) return { metric: lower, family };
    if (family.aliases?.[lower]) return { metric: family.aliases[lower], family };
  }
  return undefined;
}

/** The names a scope's thresholds may use, for messages. */
function namesIn(scope: ThresholdScope): string[] {
  return FAMILIES.filter((f) => f.scope === scope).flatMap((f) => [...f.names, ...Object.keys(f.aliases ?? {})]);
}

/** A threshold of any scope: its metric, comparison, value in the metric's unit, and the text as written. */
export interface ParsedThreshold {
  metric: string;
  op: ThresholdOp;
  value: number;
  unit: string;
  expression: string;
}

/** Parse one expression of `scope`; throws SB_ERR_THRESHOLD naming the expression and what was expected. */
export function parseThresholdIn(expression: string, scope: ThresholdScope): ParsedThreshold {
  const text = typeof expression === 'string' ? expression.trim() : '';
  const quoted = JSON.stringify(typeof expression === 'string' ? text : expression);
  const words = SCOPE_TEXT[scope];
  const shape = SHAPE.exec(text);
  if (!shape) throw new ServebenchError('SB_ERR_THRESHOLD', `${quoted}: ${words.shape}`);
  const [, name, op, rawValue] = shape;
  const found = lookup(name);
  if (!found || found.family.scope !== scope) {
    const hint = found ? `; ${words.elsewhere}` : '';
    throw new ServebenchError('SB_ERR_THRESHOLD', `${quoted}: ${words.unknown} "${name}", expected one of ${namesIn(scope).join(', ')}${hint}`);
  }
  const { metric, family } = found;
  if (!family.ops.includes(op as ThresholdOp)) throw new ServebenchError('SB_ERR_THRESHOLD', `${quoted}: ${family.opsMessage ?? `use one of ${family.ops.join(' ')}`}`);
  if (rawValue === '') throw new ServebenchError('SB_ERR_THRESHOLD', `${quoted}: expected a value after "${op}"`);
  try {
    return { metric, op: op as ThresholdOp, value: family.parse(rawValue), unit: family.unit, expression: text };
  } catch (err) {
    if (!isServebenchError(err, 'SB_ERR_UNIT')) throw err;
    throw new ServebenchError('SB_ERR_THRESHOLD', `${quoted}: expected ${family.expected}`);
  }
}

/**
 * The strings parseThreshold accepts, as a JSON Schema pattern, so editors refuse `p98 < 10ms` as
 * they type. Exact up to floating point: `error_rate < 1.00000000000000001` (which the parser
 * rounds to 1) is refused here. test/scenario/thresholdPattern.test.ts holds the two together.
 */
export const THRESHOLD_PATTERN = `^\\s*(${FAMILIES.filter((f) => f.scope === 'run').map((f) => f.pattern).join('|')})\\s*$`;

/** Parse one expression of a scenario's (or phase's) thresholds; throws SB_ERR_THRESHOLD. */
export function parseThreshold(expression: string): Threshold {
  return parseThresholdIn(expression, 'run') as Threshold;
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
