// The scenario's `soak:` section, a section of the scenario pipeline (scenario/sections.ts): its
// JSON Schema, then the checks a schema cannot say (one of duration or duration_s, thresholds).
import { describeValue, type FieldPath, type Problems } from '../scenario/errors.ts';
import { readDuration } from '../scenario/fields.ts';
import { type Locate, readSection, type ScenarioSection } from '../scenario/sections.ts';
import { DURATION_PATTERN, parseRate, parseRatio, parseSize } from '../scenario/units.ts';
import { DEFAULTS } from '../scenario/defaults.ts';
import { DEFAULT_SOAK_THRESHOLDS, parseSoakThreshold } from './thresholds.ts';
import { isServebenchError } from '../contract/errors.ts';

/** The section as validated: durations in seconds, sizes in bytes; absent fields take defaults later. */
export interface SoakSection {
  duration_s?: number;
  rate?: number;
  interval_s?: number;
  warmup_s?: number;
  memory_limit_bytes?: number;
  max_in_flight?: number;
  capacity_share?: number;
  probe_duration_s?: number;
  probe_connections?: number;
  thresholds?: string[];
}

const DURATIONS = [
  ['duration', 'duration_s', 'How long the steady load is held (any length: 30s to try it, 8h overnight). Required here or as --duration.'],
  ['interval', 'interval_s', 'Time between samples. Default 10s, shorter for short soaks (at least 30 samples, never below 1s).'],
  ['warmup', 'warmup_s', 'Samples in the first part of the soak are recorded but left out of the trend fits (start-up, JIT, caches). Default 20% of the duration, at most 2m.'],
  ['probe_duration', 'probe_duration_s', 'Without a rate: length of the closed-loop probe that measures capacity. Default 5s.'],
] as const;

const durationSchema = (description: string) => ({
  type: ['string', 'number'], minimum: 0, pattern: DURATION_PATTERN, description,
  errorMessage: 'expected a duration like 30s, 10m or 8h, or a number of seconds', patternErrorMessage: 'expected a duration like 30s, 10m or 8h, or a number of seconds',
});

/** The `soak` property of the published scenario schema (draft-07; errorMessage as VS Code reads it). */
export const SOAK_SECTION_SCHEMA: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  description: 'Settings of `servebench soak`: a steady open-loop load held for a long time while memory and p99 are sampled; command flags override them. `servebench run` ignores this section.',
  errorMessage: 'expected an object like {duration: 8h, rate: 300}',
  properties: {
    ...Object.fromEntries(DURATIONS.flatMap(([field, canonical, description]) => [
      [field, durationSchema(description)],
      [canonical, { ...durationSchema(`${description} In seconds (same as ${field}: give one of the two).`), type: ['number', 'string'] }],
    ])),
    rate: { type: ['number', 'string'], exclusiveMinimum: 0, pattern: '^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*(/s|/sec|rps|req/s|/m|/min)?\\s*$', description: 'Open-loop requests per second. Default: capacity_share of a capacity measured by a short closed-loop probe.', errorMessage: 'expected a rate like 300 or 300/s' },
    memory_limit: { type: ['string', 'number'], pattern: '^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*([kKmMgGtT]i?[bB]|[bB])?\\s*$', description: 'The memory the server may use (a container limit): the projected time to reach it is reported. Default: the machine\'s memory.', errorMessage: 'expected a size like 4GiB or 512MB' },
    memory_limit_bytes: { type: 'integer', minimum: 1, description: 'Same as memory_limit, in bytes.', errorMessage: 'expected a number of bytes' },
    max_in_flight: { type: 'integer', minimum: 1, description: `Cap on outstanding requests; beyond it a request is counted as dropped. Default ${DEFAULTS.max_in_flight}.`, errorMessage: 'expected an integer >= 1' },
    capacity_share: { type: ['number', 'string'], description: 'Without a rate: the share of the probed capacity to hold. Default 0.5.', errorMessage: 'expected a ratio like 0.5 or 50%' },
    probe_connections: { type: 'integer', minimum: 1, maximum: 10_000, description: `Without a rate: connections of the capacity probe. Default ${DEFAULTS.connections}.`, errorMessage: 'expected an integer between 1 and 10000' },
    thresholds: {
      type: ['string', 'array'], items: { type: 'string' },
      description: `Soak thresholds; any failure sets exit code 1. "rss_slope < 5MB/h" (also heap_slope, external_slope): memory growth after the warm-up, judged with its confidence interval; "p99_drift < 10%": p99's fitted change over the soak after the warm-up. Default ${DEFAULT_SOAK_THRESHOLDS.map((t) => `"${t}"`).join(', ')}.`,
      errorMessage: 'expected a threshold like "rss_slope < 5MB/h" or a list of them',
    },
  },
};

function positiveNumber(raw: unknown, parse: (x: string | number) => number, path: FieldPath, problems: Problems, what: string): number | undefined {
  if (typeof raw !== 'number' && typeof raw !== 'string') {
    problems.add(path, `expected ${what}, got ${describeValue(raw)}`);
    return undefined;
  }
  try {
    const value = parse(raw);
    if (value > 0) return value;
  } catch (err) {
    if (!isServebenchError(err, 'SB_ERR_UNIT')) throw err;
  }
  problems.add(path, `expected ${what}, got ${describeValue(raw)}`);
  return undefined;
}

function integer(raw: unknown, min: number, path: FieldPath, problems: Problems): number | undefined {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= min) return raw;
  problems.add(path, `expected an integer >= ${min}, got ${describeValue(raw)}`);
  return undefined;
}

/** The `soak` section of the scenario pipeline. */
export const SOAK_SECTION: ScenarioSection<SoakSection> = { at: ['soak'], schema: SOAK_SECTION_SCHEMA, check: (raw, problems) => readSoak(raw, problems) };

/**
 * Validates the raw `soak` section alone (undefined or null is an empty section). Every problem is
 * reported at once in a ScenarioError naming `soak.<field>`; `locate` adds the line when the file is known.
 */
export function parseSoakSection(raw: unknown, source: string, locate?: Locate): SoakSection {
  return readSection(SOAK_SECTION, raw, source, locate) ?? {};
}

function readSoak(raw: unknown, problems: Problems): SoakSection {
  const at = (...path: (string | number)[]): FieldPath => ['soak', ...path];
  const section: SoakSection = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.add(at(), `expected an object like {duration: 8h, rate: 300}, got ${describeValue(raw)}`);
  } else {
    const input = raw as Record<string, unknown>;
    for (const [field, canonical] of DURATIONS) {
      const { value } = readDuration(input, field, canonical, ['soak'], problems, { positive: field !== 'warmup' });
      if (value !== undefined) section[canonical] = value;
    }
    if (input.rate !== undefined) section.rate = positiveNumber(input.rate, parseRate, at('rate'), problems, 'a rate like 300 or 300/s');
    if (input.memory_limit !== undefined && input.memory_limit_bytes !== undefined) problems.add(at('memory_limit_bytes'), 'same as memory_limit: give one of memory_limit or memory_limit_bytes, not both');
    else if (input.memory_limit !== undefined) section.memory_limit_bytes = positiveNumber(input.memory_limit, parseSize, at('memory_limit'), problems, 'a size like 4GiB or 512MB');
    else if (input.memory_limit_bytes !== undefined) section.memory_limit_bytes = integer(input.memory_limit_bytes, 1, at('memory_limit_bytes'), problems);
    if (input.max_in_flight !== undefined) section.max_in_flight = integer(input.max_in_flight, 1, at('max_in_flight'), problems);
    if (input.probe_connections !== undefined) section.probe_connections = integer(input.probe_connections, 1, at('probe_connections'), problems);
    if (input.capacity_share !== undefined) section.capacity_share = positiveNumber(input.capacity_share, parseRatio, at('capacity_share'), problems, 'a ratio in (0, 1] like 0.5 or 50%');
    if (input.thresholds !== undefined) section.thresholds = readSoakThresholds(input.thresholds, problems);
  }
  return Object.fromEntries(Object.entries(section).filter(([, v]) => v !== undefined)) as SoakSection;
}

function readSoakThresholds(raw: unknown, problems: Problems): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  list.forEach((expression, i) => {
    const path: FieldPath = Array.isArray(raw) ? ['soak', 'thresholds', i] : ['soak', 'thresholds'];
    if (typeof expression !== 'string') {
      problems.add(path, `expected a threshold like "rss_slope < 5MB/h", got ${describeValue(expression)}`);
      return;
    }
    try {
      out.push(parseSoakThreshold(expression).expression);
    } catch (err) {
      if (!isServebenchError(err, 'SB_ERR_THRESHOLD')) throw err;
      problems.add(path, err.message);
    }
  });
  return out;
}
