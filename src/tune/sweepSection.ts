// The scenario's `sweep` section (servebench tune): which server knobs to try, how to search them,
// the objective and its SLO, and how long each measurement is. A section of the scenario pipeline
// (scenario/sections.ts): its schema (sweepSchema.ts), then the checks here, every problem at once.
import { describeValue, type FieldPath, type Problems } from '../scenario/errors.ts';
import { readDuration, readUnit } from '../scenario/fields.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { type Locate, readSection, type ScenarioSection } from '../scenario/sections.ts';
import { parseThreshold } from '../scenario/thresholds.ts';
import type { Scenario } from '../contract/scenario.ts';
import { parseDurationMs, parseRate, parseRatio } from '../scenario/units.ts';
import { knobExpected, knobValueOk, KNOBS, type Knob } from '../serving/knobs.ts';
import { OBJECTIVES, SWEEP_DEFAULTS, SWEEP_SCHEMA } from './sweepSchema.ts';
import { isServebenchError } from '../contract/errors.ts';

export { SWEEP_SCHEMA } from './sweepSchema.ts';

export type Objective = (typeof OBJECTIVES)[number];

export interface SweepSpec {
  strategy: 'grid' | 'adaptive';
  /** Values to try per knob (max_batch_delay in microseconds); unlisted knobs keep the base value. */
  knobs: Partial<Record<Knob, number[]>>;
  /** max-rate: the highest open-loop rate meeting the SLO. min-p99: the lowest p99 at `rate`. */
  objective: Objective;
  /** min-p99 only: the arrival rate, requests/s. */
  rate?: number;
  slo: { p99Us: number; errorRate: number; expressions: string[] };
  /** Length of one rate step, seconds. */
  stepS: number;
  /** Load after each reload before measuring, seconds. */
  warmupS: number;
  startRps: number;
  maxRps: number;
  /** Relative width at which a capacity search stops. */
  precision: number;
  growth: number;
  /** Rate steps per capacity search at most. */
  maxSteps: number;
  /** The top candidates are measured until each has this many runs. */
  repeats: number;
  /** How many top candidates are repeated. */
  top: number;
  /** Adaptive: trials at most (default: the strategy's, 35% of the grid, at least 8). */
  maxTrials?: number;
  maxInFlight: number;
  /** How each trial's knobs reach the server: restart it (launch mode), or its model management API. Unset: see tune.ts. */
  reconfigure?: Reconfigure;
}

export const RECONFIGURE_MODES = ['restart', 'api'] as const;
export type Reconfigure = (typeof RECONFIGURE_MODES)[number];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readInt(obj: Record<string, unknown>, key: string, min: number, fallback: number | undefined, path: FieldPath, problems: Problems): number | undefined {
  const raw = obj[key];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min) {
    problems.add([...path, key], `expected an integer >= ${min}, got ${describeValue(raw)}`);
    return fallback;
  }
  return raw;
}

function readUnitValue<T>(raw: unknown, parse: (x: string | number) => T, path: FieldPath, problems: Problems): T | undefined {
  if (typeof raw !== 'string' && typeof raw !== 'number') {
    problems.add(path, `expected a number or a string, got ${describeValue(raw)}`);
    return undefined;
  }
  return readUnit(raw, parse, path, problems);
}

/** `[1, 2]` or `2` (one value); integers in the knob's range, no repeats. */
function readKnobValues(knob: Knob, raw: unknown, path: FieldPath, problems: Problems, toNumber: (v: unknown, at: FieldPath) => number | undefined): number[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) {
    problems.add(path, 'expected at least one value; leave the knob out to keep its base value');
    return undefined;
  }
  const values: number[] = [];
  list.forEach((item, i) => {
    const at = Array.isArray(raw) ? [...path, i] : path;
    const v = toNumber(item, at);
    if (v === undefined) return;
    if (!knobValueOk(knob, v)) problems.add(at, `expected ${knobExpected(knob)}, got ${describeValue(item)}`);
    else if (values.includes(v)) problems.add(at, `${describeValue(item)} is listed twice`);
    else values.push(v);
  });
  return values.length === list.length ? values : undefined;
}

function readKnobs(raw: unknown, path: FieldPath, problems: Problems): Partial<Record<Knob, number[]>> {
  const knobs: Partial<Record<Knob, number[]>> = {};
  if (!isRecord(raw)) {
    problems.add(path, `expected an object of knob value lists like {workers: [1, 2], max_batch_size: [0, 16]}, got ${describeValue(raw)}`);
    return knobs;
  }
  if (raw.max_batch_delay !== undefined && raw.max_batch_delay_us !== undefined) {
    problems.add([...path, 'max_batch_delay_us'], 'same as max_batch_delay: give one of max_batch_delay or max_batch_delay_us, not both');
  }
  const plainNumber = (v: unknown, at: FieldPath): number | undefined => {
    if (typeof v === 'number') return v;
    problems.add(at, `expected an integer, got ${describeValue(v)}`);
    return undefined;
  };
  // A delay with its unit ("2ms", "500us"); a bare number would be ambiguous, except 0.
  const delay = (v: unknown, at: FieldPath): number | undefined => {
    if (v === 0 || v === '0') return 0;
    if (typeof v === 'number') {
      problems.add(at, `expected a duration with its unit like 500us or 2ms, got ${v} (or use max_batch_delay_us for microseconds)`);
      return undefined;
    }
    const ms = readUnitValue(v, (x) => parseDurationMs(x, 'ms'), at, problems);
    return ms === undefined ? undefined : Math.round(ms * 1000);
  };
  for (const knob of KNOBS) {
    const source = knob === 'max_batch_delay_us' && raw.max_batch_delay !== undefined ? 'max_batch_delay' : knob;
    if (raw[source] === undefined) continue;
    const values = readKnobValues(knob, raw[source], [...path, source], problems, source === 'max_batch_delay' ? delay : plainNumber);
    if (values) knobs[knob] = values;
  }
  if (Object.keys(raw).length === 0) problems.add(path, `expected at least one knob (${KNOBS.join(', ')})`);
  return knobs;
}

/** Only p99 and error_rate limits are searched on: the capacity search knows those two. */
function readSlo(raw: unknown, fallback: readonly string[], path: FieldPath, problems: Problems): SweepSpec['slo'] {
  const written = raw === undefined ? undefined : Array.isArray(raw) ? raw : [raw];
  const slo = { p99Us: NaN, errorRate: NaN, expressions: [] as string[] };
  const take = (expression: unknown, at: FieldPath | undefined) => {
    if (typeof expression !== 'string') {
      if (at) problems.add(at, `expected a limit like "p99 < 50ms" or "error_rate < 1%", got ${describeValue(expression)}`);
      return;
    }
    let t;
    try {
      t = parseThreshold(expression);
    } catch (err) {
      if (!isServebenchError(err, 'SB_ERR_THRESHOLD')) throw err;
      if (at) problems.add(at, err.message);
      return;
    }
    const upper = t.op === '<' || t.op === '<=';
    if (t.metric === 'p99' && upper) slo.p99Us = t.value;
    else if (t.metric === 'error_rate' && upper) slo.errorRate = t.value;
    else {
      if (at) problems.add(at, `"${t.expression}": a sweep searches on "p99 < ..." and "error_rate < ..." only`);
      return;
    }
    slo.expressions.push(t.expression);
  };
  written?.forEach((e, i) => take(e, Array.isArray(raw) ? [...path, i] : path));
  // What the file does not say comes from the scenario's thresholds, then the defaults.
  for (const e of [...fallback, ...SWEEP_DEFAULTS.slo]) {
    let metric: string | undefined;
    try {
      metric = parseThreshold(e).metric;
    } catch {
      continue; // the scenario loader has reported it already
    }
    if ((metric === 'p99' && Number.isNaN(slo.p99Us)) || (metric === 'error_rate' && Number.isNaN(slo.errorRate))) take(e, undefined);
  }
  if (slo.p99Us <= 0) problems.add(path, 'the p99 limit must be above 0');
  return slo;
}

function readSeconds(obj: Record<string, unknown>, field: string, fallback: string, path: FieldPath, problems: Problems, positive: boolean): number {
  const read = readDuration(obj, field, `${field}_s`, path, problems, { positive });
  return read.value ?? parseDurationMs(fallback) / 1000;
}

export interface SweepParseOptions {
  /** The scenario's thresholds: where an SLO limit the sweep does not state comes from. */
  thresholds?: readonly string[];
  /** Line and column of a field, as the scenario loader gives them. */
  locate?: Locate;
}

const MISSING = 'missing: servebench tune needs a sweep section, e.g. sweep: {knobs: {max_batch_size: [0, 16]}} (see scenarios/tune-mlp.yaml)';

/** The scenario's thresholds as written (one or a list), for the SLO's fallback. */
function scenarioThresholds(data: unknown): string[] {
  const raw = (data as { thresholds?: unknown } | undefined)?.thresholds;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.filter((t): t is string => typeof t === 'string');
}

/** The `sweep` section of the scenario pipeline; optional in a file, required by `servebench tune` (TUNE_SECTION). */
export const SWEEP_SECTION: ScenarioSection<SweepSpec> = {
  at: ['sweep'],
  schema: SWEEP_SCHEMA,
  check: (raw, problems, data) => readSweep(raw, ['sweep'], problems, scenarioThresholds(data)),
};

export const TUNE_SECTION: ScenarioSection<SweepSpec> = { ...SWEEP_SECTION, missing: MISSING };

/** Validates a scenario's `sweep` section alone; throws ScenarioError listing every problem. */
export function parseSweepSection(raw: unknown, source: string, options: SweepParseOptions = {}): SweepSpec {
  return readSection(TUNE_SECTION, raw, source, options.locate, { thresholds: [...(options.thresholds ?? [])] })!;
}

function readSweep(raw: unknown, path: FieldPath, problems: Problems, thresholds: readonly string[]): SweepSpec {
  const obj: Record<string, unknown> = isRecord(raw) ? raw : {};
  if (!isRecord(raw)) problems.add(path, `expected an object, got ${describeValue(raw)}`);

  const strategy = obj.strategy ?? SWEEP_DEFAULTS.strategy;
  if (strategy !== 'grid' && strategy !== 'adaptive') problems.add([...path, 'strategy'], `expected grid or adaptive, got ${describeValue(strategy)}`);
  const objective = obj.objective ?? SWEEP_DEFAULTS.objective;
  if (!OBJECTIVES.includes(objective as Objective)) problems.add([...path, 'objective'], `expected ${OBJECTIVES.join(' or ')}, got ${describeValue(objective)}`);
  let knobs: Partial<Record<Knob, number[]>> = {};
  if (isRecord(raw) && obj.knobs === undefined) problems.add([...path, 'knobs'], 'missing: list the knob values to try, e.g. knobs: {max_batch_size: [0, 16]}');
  else if (isRecord(raw)) knobs = readKnobs(obj.knobs, [...path, 'knobs'], problems);

  let rate: number | undefined;
  if (obj.rate !== undefined) rate = readUnitValue(obj.rate, parseRate, [...path, 'rate'], problems);
  if (objective === 'min-p99' && obj.rate === undefined) problems.add([...path, 'rate'], 'missing: objective min-p99 needs the arrival rate to minimise p99 at, e.g. rate: 500/s');
  if (rate !== undefined && !(rate > 0)) problems.add([...path, 'rate'], `expected a rate above 0, got ${describeValue(obj.rate)}`);

  const startRps = obj.start_rate === undefined ? SWEEP_DEFAULTS.start_rate : readUnitValue(obj.start_rate, parseRate, [...path, 'start_rate'], problems) ?? SWEEP_DEFAULTS.start_rate;
  const maxRps = obj.max_rate === undefined ? SWEEP_DEFAULTS.max_rate : readUnitValue(obj.max_rate, parseRate, [...path, 'max_rate'], problems) ?? SWEEP_DEFAULTS.max_rate;
  if (!(startRps > 0)) problems.add([...path, 'start_rate'], `expected a rate above 0, got ${describeValue(obj.start_rate)}`);
  else if (maxRps < startRps) problems.add([...path, 'max_rate'], `expected a rate >= start_rate (${startRps}/s), got ${describeValue(obj.max_rate)}`);

  const precision = obj.precision === undefined ? SWEEP_DEFAULTS.precision : readUnitValue(obj.precision, parseRatio, [...path, 'precision'], problems) ?? SWEEP_DEFAULTS.precision;
  if (!(precision > 0 && precision < 1)) problems.add([...path, 'precision'], `expected a share between 0 and 1 like 10%, got ${describeValue(obj.precision)}`);
  const growth = obj.growth ?? SWEEP_DEFAULTS.growth;
  if (typeof growth !== 'number' || !(growth > 1)) problems.add([...path, 'growth'], `expected a number above 1, got ${describeValue(growth)}`);

  const maxTrials = readInt(obj, 'max_trials', 1, undefined, path, problems);
  const reconfigure = obj.reconfigure;
  if (reconfigure !== undefined && !RECONFIGURE_MODES.includes(reconfigure as Reconfigure)) problems.add([...path, 'reconfigure'], `expected restart or api, got ${describeValue(reconfigure)}`);
  return {
    ...(reconfigure !== undefined ? { reconfigure: reconfigure as Reconfigure } : {}),
    strategy: strategy as SweepSpec['strategy'],
    knobs,
    objective: objective as Objective,
    ...(rate !== undefined ? { rate } : {}),
    slo: readSlo(obj.slo, thresholds, [...path, 'slo'], problems),
    stepS: readSeconds(obj, 'step', SWEEP_DEFAULTS.step, path, problems, true),
    warmupS: readSeconds(obj, 'warmup', SWEEP_DEFAULTS.warmup, path, problems, false),
    startRps,
    maxRps,
    precision,
    growth: growth as number,
    maxSteps: readInt(obj, 'max_steps', 2, SWEEP_DEFAULTS.max_steps, path, problems)!,
    repeats: readInt(obj, 'repeats', 1, SWEEP_DEFAULTS.repeats, path, problems)!,
    top: readInt(obj, 'top', 1, SWEEP_DEFAULTS.top, path, problems)!,
    ...(maxTrials !== undefined ? { maxTrials } : {}),
    maxInFlight: readInt(obj, 'max_in_flight', 1, SWEEP_DEFAULTS.max_in_flight, path, problems)!,
  };
}

/** A scenario file for `servebench tune`: the scenario and its sweep section, checked in one pass. */
export async function loadTuneScenario(file: string): Promise<{ scenario: Scenario; spec: SweepSpec; file: string }> {
  const loaded = await loadScenarioFile(file, { sections: [TUNE_SECTION] });
  return { scenario: loaded.scenario, spec: loaded.sections.get('sweep') as SweepSpec, file: loaded.file };
}
