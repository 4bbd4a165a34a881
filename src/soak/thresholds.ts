// Soak thresholds: expressions of the one threshold grammar (scenario/thresholds.ts) over the
// registry's soak metrics, `rss_slope < 5MB/h` (also heap_slope, external_slope) and
// `p99_drift < 10%`, as the soak's verdicts read them.
import { parseThresholdIn, type SlopeMetric, type SoakMetric } from '../scenario/thresholds.ts';

export { parseGrowthRate } from '../scenario/units.ts';
export type { SlopeMetric, SoakMetric };

export interface SoakThreshold {
  metric: SoakMetric;
  op: '<' | '<=';
  /** MB/hour (10^6 bytes) for slopes, percent for p99_drift. */
  value: number;
  unit: 'MB/h' | '%';
  /** As written (trimmed). */
  expression: string;
}

export const DEFAULT_SOAK_THRESHOLDS = ['rss_slope < 5MB/h', 'p99_drift < 10%'] as const;

/** Parse one soak threshold; throws SB_ERR_THRESHOLD naming what is wrong. */
export function parseSoakThreshold(expression: string): SoakThreshold {
  return parseThresholdIn(expression, 'soak') as SoakThreshold;
}
