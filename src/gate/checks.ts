// The absolute checks of a gate, read across its repeats: the scenario's thresholds (on the median
// of the repeats, or on every repeat) and the phases' verdicts (every repeat: a lost request is a
// lost request, however noisy the machine). Pure.
import { median } from '../analyze/stats.ts';
import { formatThresholdValue, parseThreshold, type ThresholdOp, type ThresholdUnit } from '../scenario/thresholds.ts';
import type { ThresholdsOn } from './config.ts';
import type { RepeatSample } from './sample.ts';

export interface ThresholdCheck {
  expression: string;
  scope: string;
  unit: string;
  on: ThresholdsOn;
  /** median: the median of the repeats' values; every_repeat: the worst repeat's value. Null: not measured. */
  actual: number | null;
  /** Each repeat's value, in repeat order. */
  values: (number | null)[];
  passed: boolean;
  /** 1-based repeats that failed the threshold on their own. */
  failed_repeats: number[];
  message: string;
}

export interface VerdictCheck {
  kind: string;
  passed: boolean;
  failed_repeats: number[];
  /** The first failing repeat's summary, or the last repeat's when all passed. */
  summary: string;
}

function holds(actual: number, op: ThresholdOp, limit: number): boolean {
  return op === '<' ? actual < limit : op === '<=' ? actual <= limit : op === '>' ? actual > limit : actual >= limit;
}

const listRepeats = (repeats: number[]): string => `repeat${repeats.length === 1 ? '' : 's'} ${repeats.join(', ')}`;

/** Every threshold the runner evaluated (scenario-wide and per phase), read across the repeats. */
export function checkThresholds(repeats: readonly RepeatSample[], on: ThresholdsOn): ThresholdCheck[] {
  const keys = new Map<string, { expression: string; scope: string }>();
  for (const r of repeats) for (const t of r.thresholds) keys.set(`${t.scope}\u0000${t.expression}`, { expression: t.expression, scope: t.scope });
  return [...keys.values()].map(({ expression, scope }) => {
    const threshold = parseThreshold(expression);
    const found = repeats.map((r) => r.thresholds.find((t) => t.expression === expression && t.scope === scope));
    const values = found.map((t) => (t && t.actual !== null && Number.isFinite(t.actual) ? t.actual : null));
    const failed = found.flatMap((t, i) => (t?.passed ? [] : [i + 1]));
    const name = `${scope === '*' ? '' : `phase ${scope}: `}${expression.split(/\s*(?:<=|>=|<|>)/)[0]}`;
    const show = (v: number) => formatThresholdValue(v, threshold.unit as ThresholdUnit);
    const limit = `limit ${threshold.op} ${show(threshold.value)}`;
    const base = { expression, scope, unit: threshold.unit, on, values, failed_repeats: failed };
    const missing = values.flatMap((v, i) => (v === null ? [i + 1] : []));
    if (missing.length > 0) {
      return { ...base, actual: null, passed: false, message: `${name}: not measured in ${listRepeats(missing)} (no request completed?), ${limit}: FAILED` };
    }
    const measured = values as number[];
    const range = measured.length > 1 ? `, ${show(Math.min(...measured))} to ${show(Math.max(...measured))}` : '';
    if (on === 'median') {
      const actual = median(measured);
      const passed = holds(actual, threshold.op, threshold.value);
      return { ...base, actual, passed, message: `${name} = ${show(actual)} (median of ${measured.length} repeat${measured.length === 1 ? '' : 's'}${range}), ${limit}: ${passed ? 'passed' : 'FAILED'}` };
    }
    // every_repeat: the worst value is the one that decides.
    const worst = threshold.op.startsWith('<') ? Math.max(...measured) : Math.min(...measured);
    const failing = measured.flatMap((v, i) => (holds(v, threshold.op, threshold.value) ? [] : [i + 1]));
    const passed = failing.length === 0;
    return { ...base, actual: worst, failed_repeats: failing, passed, message: `${name} = ${show(worst)} (worst of ${measured.length} repeats), ${limit}: ${passed ? 'passed' : `FAILED in ${listRepeats(failing)}`}` };
  });
}

/** Each kind of phase verdict (malformed, shutdown...) must pass in every repeat. */
export function checkVerdicts(repeats: readonly RepeatSample[]): VerdictCheck[] {
  const kinds = [...new Set(repeats.flatMap((r) => r.verdicts.map((v) => v.kind)))];
  return kinds.map((kind) => {
    const found = repeats.map((r) => r.verdicts.filter((v) => v.kind === kind));
    const failed = found.flatMap((vs, i) => (vs.some((v) => !v.passed) ? [i + 1] : []));
    const example = failed.length > 0 ? found[failed[0] - 1].find((v) => !v.passed)! : found.flat().at(-1)!;
    return { kind, passed: failed.length === 0, failed_repeats: failed, summary: failed.length > 0 ? `failed in ${listRepeats(failed)}: ${example.summary}` : example.summary };
  });
}
