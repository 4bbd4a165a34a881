// Soak thresholds: `rss_slope < 5MB/h` (memory growth after the warm-up, also heap_slope and
// external_slope) and `p99_drift < 10%` (p99's fitted change over the soak after the warm-up, in
// percent of its early level). Upper bounds only: nobody asks memory to grow at least so fast.
import { parseSize, UnitError } from '../scenario/units.ts';

export type SlopeMetric = 'rss_slope' | 'heap_slope' | 'external_slope';
export type SoakMetric = SlopeMetric | 'p99_drift';

export interface SoakThreshold {
  metric: SoakMetric;
  op: '<' | '<=';
  /** MB/hour (10^6 bytes) for slopes, percent for p99_drift. */
  value: number;
  unit: 'MB/h' | '%';
  /** As written (trimmed). */
  expression: string;
}

export class SoakThresholdError extends Error {
  readonly code = 'SB_ERR_THRESHOLD';

  constructor(message: string) {
    super(message);
    this.name = 'SoakThresholdError';
  }
}

export const DEFAULT_SOAK_THRESHOLDS = ['rss_slope < 5MB/h', 'p99_drift < 10%'] as const;
const METRICS: readonly SoakMetric[] = ['rss_slope', 'heap_slope', 'external_slope', 'p99_drift'];
const RUN_METRICS = /^(p\(?\d|min|max|mean|error_rate|throughput|rps)/i;
const SHAPE = /^\s*([a-z_0-9]+)\s*(<=|>=|<|>)\s*(.*?)\s*$/i;
const SECONDS_PER: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, hour: 3600 };

/** `5MB/h`, `1.5 GiB/hour`, `100KB/s` -> MB/hour. */
export function parseGrowthRate(text: string): number {
  const match = /^(.+?)\s*\/\s*([a-z]+)$/i.exec(text.trim());
  const per = match ? SECONDS_PER[match[2].toLowerCase()] : undefined;
  if (!match || per === undefined) throw new UnitError(`expected a growth rate like 5MB/h, got ${JSON.stringify(text)}`);
  return (parseSize(match[1]) / 1e6) * (3600 / per);
}

/** `10%` -> 10; above 100 is allowed (p99 may double). */
function parseDriftPercent(text: string): number {
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/.exec(text.trim());
  if (!match) throw new UnitError(`expected a percentage like 10%, got ${JSON.stringify(text)}`);
  return Number(match[1]);
}

export function parseSoakThreshold(expression: string): SoakThreshold {
  const text = typeof expression === 'string' ? expression.trim() : '';
  const quoted = JSON.stringify(typeof expression === 'string' ? text : expression);
  const shape = SHAPE.exec(text);
  if (!shape) throw new SoakThresholdError(`${quoted}: expected "<metric> < <value>" like "rss_slope < 5MB/h" or "p99_drift < 10%"`);
  const [, name, op, raw] = shape;
  const metric = name.toLowerCase() as SoakMetric;
  if (!METRICS.includes(metric)) {
    const hint = RUN_METRICS.test(name) ? '; latency, error and throughput limits go in the scenario\'s thresholds (evaluated over the soak after its warm-up)' : '';
    throw new SoakThresholdError(`${quoted}: unknown soak metric "${name}", expected one of ${METRICS.join(', ')}${hint}`);
  }
  if (op !== '<' && op !== '<=') throw new SoakThresholdError(`${quoted}: soak thresholds are upper bounds: use < or <=`);
  try {
    if (metric === 'p99_drift') return { metric, op, value: parseDriftPercent(raw), unit: '%', expression: text };
    return { metric, op, value: parseGrowthRate(raw), unit: 'MB/h', expression: text };
  } catch (err) {
    if (!(err instanceof UnitError)) throw err;
    throw new SoakThresholdError(`${quoted}: expected ${metric === 'p99_drift' ? 'a percentage like 10%' : 'a growth rate like 5MB/h'}`);
  }
}
