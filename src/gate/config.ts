// The scenario's `gate:` section: how many repeats, which relative rules, how sure a verdict must
// be, and how the absolute thresholds are read across repeats. A section of the scenario pipeline
// (scenario/sections.ts): its JSON Schema, then the checks here (the rules' grammar).
import { GATE_DEFAULTS, parseRelativeRule, type RelativeRule } from '../analyze/gate.ts';
import { describeValue, type FieldPath, type Problems } from '../scenario/errors.ts';
import { type Locate, readSection, type ScenarioSection } from '../scenario/sections.ts';
import { parseRatio } from '../scenario/units.ts';
import { isServebenchError } from '../contract/errors.ts';

/**
 * `median`: a threshold holds when the median of the repeats' values meets it (one noisy repeat
 * on a shared machine does not fail the build, consistent with the relative rules).
 * `every_repeat`: every repeat must meet it (a strict SLO).
 */
export type ThresholdsOn = 'median' | 'every_repeat';

/** What a verdict becomes when the machine was busier with other processes on one side (see evaluate.ts). */
export type BusierMachine = 'warn' | 'inconclusive';

export interface GateConfig {
  repeats: number;
  rules: RelativeRule[];
  /** Two-sided level of each rule's interval (one side is used: 0.9 means one-sided 95%). */
  confidence: number;
  thresholds_on: ThresholdsOn;
  /** Fail (exit 1) when a rule cannot be decided; by default inconclusive is reported and passes. */
  fail_on_inconclusive: boolean;
  /**
   * `warn`: a regression measured while other processes used clearly more CPU than during the
   * baseline stands, with a warning. `inconclusive`: it is not evidence (shared machines).
   */
  busier_machine: BusierMachine;
}

export const DEFAULT_GATE_RULE = 'p99 may rise at most 10%';

export const GATE_CONFIG_DEFAULTS = {
  repeats: 3,
  rules: [DEFAULT_GATE_RULE],
  confidence: GATE_DEFAULTS.confidence,
  thresholds_on: 'median' as ThresholdsOn,
  fail_on_inconclusive: false,
  busier_machine: 'warn' as BusierMachine,
} as const;

export const MAX_REPEATS = 100;
const THRESHOLDS_ON: readonly ThresholdsOn[] = ['median', 'every_repeat'];
const BUSIER_MACHINE: readonly BusierMachine[] = ['warn', 'inconclusive'];

/** JSON Schema of the `gate` section, for scenarios/schema.json (under `properties.gate`). */
export const GATE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  description: 'Settings of `servebench gate`: repeats of the scenario compared with a stored baseline (relative rules), plus the scenario\'s thresholds.',
  errorMessage: 'expected an object like {repeats: 3, rules: ["p99 may rise at most 10%"]}',
  properties: {
    repeats: {
      type: 'integer', minimum: 1, maximum: MAX_REPEATS, default: GATE_CONFIG_DEFAULTS.repeats,
      description: `Runs of the scenario per gate (each a full run); verdicts need at least 2. Default ${GATE_CONFIG_DEFAULTS.repeats}.`,
      errorMessage: `expected an integer between 1 and ${MAX_REPEATS}`,
    },
    rules: {
      type: ['string', 'array'], minItems: 1,
      items: { type: 'string', pattern: '^\\s*[A-Za-z_][A-Za-z0-9_.]*\\s+may\\s+', errorMessage: 'expected a rule like "p99 may rise at most 10%"' },
      default: [...GATE_CONFIG_DEFAULTS.rules],
      description: 'Relative rules against the baseline: "<metric> may rise|drop at most <N>%" with metric p50, p90, p99, p999, mean, throughput or error_rate (error_rate in percentage points). Default ["p99 may rise at most 10%"].',
      errorMessage: 'expected a rule like "p99 may rise at most 10%" or a list of them',
    },
    confidence: {
      type: ['number', 'string'], exclusiveMinimum: 0, exclusiveMaximum: 1, pattern: '^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*%\\s*$',
      default: GATE_CONFIG_DEFAULTS.confidence,
      description: `Two-sided level of each rule's bootstrap interval, e.g. 0.95 or 95%; a verdict uses one side. Default ${GATE_CONFIG_DEFAULTS.confidence}.`,
      errorMessage: 'expected a level between 0 and 1 (exclusive) or a percentage like 95%',
    },
    thresholds_on: {
      enum: [...THRESHOLDS_ON], default: GATE_CONFIG_DEFAULTS.thresholds_on,
      description: 'How the scenario\'s thresholds are read across repeats: the median of the repeats (default) or every repeat.',
      errorMessage: `expected one of ${THRESHOLDS_ON.join(', ')}`,
    },
    fail_on_inconclusive: {
      type: 'boolean', default: false,
      description: 'Exit 1 when a rule is inconclusive (too noisy to tell). Default false: reported, not failed.',
      errorMessage: 'expected true or false',
    },
    busier_machine: {
      enum: [...BUSIER_MACHINE], default: GATE_CONFIG_DEFAULTS.busier_machine,
      description: 'When other processes used clearly more CPU during the current repeats than during the baseline\'s (a shared machine): warn (default) and keep the verdict, or call a regression inconclusive.',
      errorMessage: `expected one of ${BUSIER_MACHINE.join(', ')}`,
    },
  },
} as const;

/** The `gate` section of the scenario pipeline. */
export const GATE_SECTION: ScenarioSection<GateConfig> = { at: ['gate'], schema: GATE_SCHEMA, check: (raw, problems) => readGate(raw, problems) };

/**
 * Reads a scenario's `gate` section alone (undefined: all defaults). Throws ScenarioError listing
 * every problem with its path (`gate.rules[1]: ...`) and, given `locate`, its line.
 */
export function parseGateConfig(section: unknown, source: string, locate?: Locate): GateConfig {
  return readSection(GATE_SECTION, section, source, locate) ?? defaults();
}

const defaults = (): GateConfig => ({ ...GATE_CONFIG_DEFAULTS, rules: GATE_CONFIG_DEFAULTS.rules.map(parseRelativeRule) });

function readGate(section: unknown, problems: Problems): GateConfig {
  const add = (path: FieldPath, message: string) => problems.add(['gate', ...path], message);
  const config = defaults();
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    add([], `expected an object like {repeats: 3, rules: ["${DEFAULT_GATE_RULE}"]}, got ${describeValue(section)}`);
    return config;
  }
  const input = section as Record<string, unknown>;
  const { repeats, rules, confidence, thresholds_on: on, fail_on_inconclusive: failOn, busier_machine: busier } = input;
  if (repeats !== undefined) {
    if (typeof repeats === 'number' && Number.isInteger(repeats) && repeats >= 1 && repeats <= MAX_REPEATS) config.repeats = repeats;
    else add(['repeats'], `expected an integer between 1 and ${MAX_REPEATS}, got ${describeValue(repeats)}`);
  }
  if (rules !== undefined) config.rules = readRules(rules, add);
  if (confidence !== undefined) {
    const level = readLevel(confidence);
    if (level === undefined) add(['confidence'], `expected a level between 0 and 1 (exclusive) or a percentage like 95%, got ${describeValue(confidence)}`);
    else config.confidence = level;
  }
  if (on !== undefined) {
    if (THRESHOLDS_ON.includes(on as ThresholdsOn)) config.thresholds_on = on as ThresholdsOn;
    else add(['thresholds_on'], `expected one of ${THRESHOLDS_ON.join(', ')}, got ${describeValue(on)}`);
  }
  if (failOn !== undefined) {
    if (typeof failOn === 'boolean') config.fail_on_inconclusive = failOn;
    else add(['fail_on_inconclusive'], `expected true or false, got ${describeValue(failOn)}`);
  }
  if (busier !== undefined) {
    if (BUSIER_MACHINE.includes(busier as BusierMachine)) config.busier_machine = busier as BusierMachine;
    else add(['busier_machine'], `expected one of ${BUSIER_MACHINE.join(', ')}, got ${describeValue(busier)}`);
  }
  return config;
}

function readRules(raw: unknown, add: (path: FieldPath, message: string) => void): RelativeRule[] {
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list)) {
    add(['rules'], `expected a rule like "${DEFAULT_GATE_RULE}" or a list of them, got ${describeValue(raw)}`);
    return [];
  }
  if (list.length === 0) add(['rules'], `expected at least one rule, e.g. "${DEFAULT_GATE_RULE}"`);
  const parsed: RelativeRule[] = [];
  list.forEach((item, i) => {
    const path: FieldPath = typeof raw === 'string' ? ['rules'] : ['rules', i];
    if (typeof item !== 'string') return add(path, `expected a rule like "${DEFAULT_GATE_RULE}", got ${describeValue(item)}`);
    try {
      parsed.push(parseRelativeRule(item));
    } catch (err) {
      // The analysis error names the rule itself: keep only what is wrong with it.
      add(path, (err as Error).message.replace(/^gate rule "[^"]*": /, `${JSON.stringify(item)}: `));
    }
  });
  return parsed;
}

/** 0.95 or "95%" -> 0.95; undefined when not a level strictly between 0 and 1. */
function readLevel(raw: unknown): number | undefined {
  // A string must be a percentage ("95%"), as the schema says; a plain level is a number.
  if (typeof raw !== 'number' && !(typeof raw === 'string' && raw.trim().endsWith('%'))) return undefined;
  try {
    const value = parseRatio(raw);
    return value > 0 && value < 1 ? value : undefined;
  } catch (err) {
    if (isServebenchError(err, 'SB_ERR_UNIT')) return undefined;
    throw err;
  }
}
