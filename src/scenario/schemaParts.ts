// The building blocks of the scenario's JSON Schema, shared by the core (schema.ts) and each
// phase kind (phaseKinds/): every field carries its description and the message shown when it is
// wrong (`errorMessage`/`patternErrorMessage`, VS Code's schema extensions).
import { THRESHOLD_PATTERN } from './thresholds.ts';
import { DURATION_PATTERN } from './units.ts';

export type JsonSchema = Record<string, unknown>;

export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';
export const PERCENT_PATTERN = '^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*%?\\s*$';
export const SIZE_PATTERN = '^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*([kKmMgGtT]i?[bB]|[bB])?\\s*$';

export function withMessage(expected: string, schema: JsonSchema): JsonSchema {
  const message = `expected ${expected}`;
  return { ...schema, errorMessage: message, ...('pattern' in schema ? { patternErrorMessage: message } : {}) };
}

export const str = (description: string, extra: JsonSchema = {}): JsonSchema =>
  withMessage('a string', { type: 'string', description, ...extra });
export const name = (description: string): JsonSchema =>
  withMessage("a name of letters, digits, '.', '_' or '-'", { type: 'string', pattern: NAME_PATTERN, description });
export const int = (min: number, max: number | undefined, description: string, extra: JsonSchema = {}): JsonSchema =>
  withMessage(max === undefined ? `an integer >= ${min}` : `an integer between ${min} and ${max}`, {
    type: 'integer', minimum: min, ...(max === undefined ? {} : { maximum: max }), description, ...extra,
  });
export const positive = (description: string, extra: JsonSchema = {}): JsonSchema =>
  withMessage('a positive number', { type: 'number', exclusiveMinimum: 0, description, ...extra });
export const oneOf = (values: readonly string[], description: string, extra: JsonSchema = {}): JsonSchema =>
  withMessage(`one of ${values.join(', ')}`, { enum: [...values], description, ...extra });
export const ratio = (description: string, fallback: number): JsonSchema =>
  withMessage('a ratio between 0 and 1 or a percentage like 10%', {
    type: ['number', 'string'], minimum: 0, maximum: 1, pattern: PERCENT_PATTERN, default: fallback,
    description: `${description} Default ${fallback}.`,
  });
export const thresholds = (description: string): JsonSchema =>
  withMessage('a threshold like "p99 < 50ms" or a list of them', {
    type: ['string', 'array'],
    pattern: THRESHOLD_PATTERN,
    items: withMessage('a threshold like "p99 < 50ms"', { type: 'string', pattern: THRESHOLD_PATTERN }),
    description: `${description} k6-like: "p50|p90|p95|p99|p999|mean|max < 50ms" (us, ms, s), "error_rate < 0.1%", "throughput > 500/s".`,
  });

/**
 * A duration two ways: `name` takes `30s`/`500ms`/`2m`/`2h` or a number of seconds; `canonical`
 * (the resolved scenario's own name, e.g. drain_deadline_ms) takes a number in its unit, so a
 * resolved scenario (as stored in results.json) loads again unchanged.
 */
export function durationPair(field: string, canonical: string, description: string, fallback?: string): Record<string, JsonSchema> {
  const unit = canonical.endsWith('_ms') ? 'milliseconds' : 'seconds';
  const suffix = fallback ? ` Default ${fallback}.` : '';
  return {
    [field]: withMessage('a duration like 30s, 500ms or 2m, or a number of seconds', {
      type: ['string', 'number'], minimum: 0, pattern: DURATION_PATTERN, description: `${description}${suffix}`,
      ...(fallback ? { default: fallback } : {}),
    }),
    [canonical]: withMessage(`a number of ${unit} or a duration like 30s`, {
      type: ['number', 'string'], minimum: 0, pattern: DURATION_PATTERN,
      description: `${description} In ${unit} (same as ${field}: give one of the two).`,
    }),
  };
}
