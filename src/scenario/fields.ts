// Reading single fields of a schema-valid scenario into resolved values, adding a problem (with
// the field's path as written) when the value is well-formed but still wrong.
import { describeValue, type FieldPath, type Problems } from './errors.ts';
import { parseThreshold } from './thresholds.ts';
import { parseDurationMs } from './units.ts';
import { formatDurationMs } from '../format/units.ts';
import { isServebenchError } from '../contract/errors.ts';

export interface ReadDuration {
  /** In the canonical field's unit (seconds for `_s`, milliseconds for `_ms`). */
  value?: number;
  /** The key the user wrote, for later messages about this value. */
  key?: string;
}

/**
 * A duration written as `field` (`30s`, or a number of seconds) or as `canonical` (a number in
 * the unit its name ends with). Giving both is refused: they would say the same thing twice.
 */
export function readDuration(
  obj: object,
  field: string,
  canonical: `${string}_s` | `${string}_ms`,
  path: FieldPath,
  problems: Problems,
  options: { positive?: boolean } = {},
): ReadDuration {
  const record = obj as Record<string, unknown>;
  const hasField = record[field] !== undefined;
  const hasCanonical = record[canonical] !== undefined;
  if (hasField && hasCanonical) {
    problems.add([...path, canonical], `same as ${field}: give one of ${field} or ${canonical}, not both`);
    return {};
  }
  if (!hasField && !hasCanonical) return {};
  const key = hasField ? field : canonical;
  const inMs = canonical.endsWith('_ms');
  const raw = record[key] as string | number;
  let ms: number;
  try {
    ms = parseDurationMs(raw, hasField || !inMs ? 's' : 'ms');
  } catch (err) {
    if (!isServebenchError(err, 'SB_ERR_UNIT')) throw err;
    problems.add([...path, key], err.message);
    return {};
  }
  if (options.positive && ms <= 0) {
    problems.add([...path, key], `expected a positive duration, got ${describeValue(raw)}`);
    return {};
  }
  return { value: inMs ? ms : Number((ms / 1000).toPrecision(12)), key };
}

/** A duration for messages, from a value in the unit of `canonical`. */
export function showDuration(value: number, canonical: string): string {
  return formatDurationMs(canonical.endsWith('_ms') ? value : value * 1000);
}

/** A list of threshold expressions, each parsed to check it; kept as written (trimmed). */
export function readThresholds(raw: string | string[] | undefined, path: FieldPath, problems: Problems): string[] {
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  list.forEach((expression, i) => {
    try {
      out.push(parseThreshold(expression).expression);
    } catch (err) {
      if (!isServebenchError(err, 'SB_ERR_THRESHOLD')) throw err;
      problems.add(Array.isArray(raw) ? [...path, i] : path, err.message);
    }
  });
  return out;
}

/** A value parsed by one of units.ts's parsers, or a problem at `path`. */
export function readUnit<T>(raw: string | number, parse: (raw: string | number) => T, path: FieldPath, problems: Problems): T | undefined {
  try {
    return parse(raw);
  } catch (err) {
    if (!isServebenchError(err, 'SB_ERR_UNIT')) throw err;
    problems.add(path, err.message);
    return undefined;
  }
}
