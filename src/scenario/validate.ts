// JSON Schema validation of a scenario (ajv), with ajv's errors rewritten into
// `path: expected X, got Y` and unknown fields answered with "did you mean".
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { closest, describeValue, type FieldPath, Problems, valueAt } from './errors.ts';
import { PHASE_FIELDS, SCENARIO_SCHEMA, type JsonSchema } from './schema.ts';
import { parseThreshold, THRESHOLD_PATTERN } from './thresholds.ts';
import { isServebenchError } from '../contract/errors.ts';

const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true });
// VS Code's schema extensions: annotations to ajv, the text of our messages.
ajv.addVocabulary(['errorMessage', 'patternErrorMessage']);
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** One compiled validator per schema object (the core's and each section's). */
function validatorOf(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function pathOf(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** What a schema expects, in words, when it does not say so itself. */
function fallbackExpected(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `expected ${/^[aeiou]/.test(String(p.type)) ? 'an' : 'a'} ${String(p.type).replaceAll(',', ' or ')}`;
    case 'enum':
      return `expected one of ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `expected ${describeValue(p.allowedValue)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `expected a number ${String(p.comparison)} ${String(p.limit)}`;
    default:
      return `expected a valid value (${error.message ?? error.keyword})`;
  }
}

function expectedOf(schema: unknown): string | undefined {
  const s = schema as JsonSchema | undefined;
  return typeof s?.errorMessage === 'string' ? s.errorMessage : undefined;
}

/** "unknown field": a typo gets "did you mean", a phase field of another kind gets where it belongs. */
function unknownField(data: unknown, objectPath: FieldPath, field: string, known: string[]): string {
  const phase = objectPath.length === 2 && objectPath[0] === 'phases' ? (valueAt(data, objectPath) as { kind?: string }) : undefined;
  if (phase?.kind) {
    const owners = Object.keys(PHASE_FIELDS).filter((kind) => PHASE_FIELDS[kind].includes(field));
    if (owners.length > 0) return `unknown field for a ${phase.kind} phase (${field} belongs to ${owners.join(', ')} phases)`;
  }
  const guess = closest(field, known);
  return guess ? `unknown field, did you mean "${guess}"?` : `unknown field (expected one of ${known.join(', ')})`;
}

function thresholdProblem(expression: unknown): string | undefined {
  try {
    parseThreshold(expression as string);
    return undefined;
  } catch (err) {
    if (isServebenchError(err, 'SB_ERR_THRESHOLD')) return err.message;
    throw err;
  }
}

function rewrite(error: ErrorObject, data: unknown): { path: FieldPath; message: string } | undefined {
  const path = pathOf(error.instancePath);
  const parent = error.parentSchema as JsonSchema | undefined;
  switch (error.keyword) {
    case 'if':
      return undefined; // the `then` branch reports the actual problem
    case 'additionalProperties': {
      const field = String((error.params as { additionalProperty: string }).additionalProperty);
      const properties = parent?.properties as JsonSchema | undefined;
      if (!properties) {
        return { path: [...path, field], message: `${expectedOf(parent?.additionalProperties) ?? 'unknown field'}, got ${describeValue(valueAt(data, [...path, field]))}` };
      }
      return { path: [...path, field], message: unknownField(data, path, field, Object.keys(properties)) };
    }
    case 'required': {
      const field = String((error.params as { missingProperty: string }).missingProperty);
      const property = (parent?.properties as JsonSchema | undefined)?.[field];
      return { path: [...path, field], message: `${expectedOf(property) ?? 'expected a value'}, got nothing` };
    }
    case 'pattern':
      // A threshold's own parser says which part is wrong (unknown metric, missing unit).
      if (parent?.pattern === THRESHOLD_PATTERN) return { path, message: thresholdProblem(error.data) ?? `${expectedOf(parent)}, got ${describeValue(error.data)}` };
      return { path, message: `${expectedOf(parent) ?? fallbackExpected(error)}, got ${describeValue(error.data)}` };
    case 'minProperties':
      return { path, message: `${expectedOf(parent) ?? 'expected at least one entry'}, got an empty map` };
    case 'uniqueItems': {
      // ajv names the two equal items (i and j): point at the repeat, the later one.
      const { i: a, j: b } = error.params as { i: number; j: number };
      const i = Math.max(a, b);
      return { path: [...path, i], message: `${describeValue(valueAt(data, [...path, i]))} is listed twice` };
    }
    case 'minItems':
      return { path, message: `${expectedOf(parent) ?? 'expected at least one item'}, got an empty list` };
    default:
      return { path, message: `${expectedOf(parent) ?? fallbackExpected(error)}, got ${describeValue(error.data)}` };
  }
}

/**
 * Schema problems of `data` against `schema` (default: the scenario's core), each path prefixed
 * with `at` (where a section sits in the file), added to `problems`.
 */
export function schemaProblems(data: unknown, schema: JsonSchema = SCENARIO_SCHEMA, at: FieldPath = [], problems = new Problems()): Problems {
  const validate = validatorOf(schema);
  if (validate(data)) return problems;
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const problem = rewrite(error, data);
    if (!problem) continue;
    const key = `${JSON.stringify(problem.path)} ${problem.message}`;
    if (seen.has(key)) continue; // one value can break several keywords with the same meaning
    seen.add(key);
    problems.add([...at, ...problem.path], problem.message);
  }
  return problems;
}
