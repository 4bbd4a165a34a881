// The JSON Schema of the scenario's `sweep` section and its defaults, in one place so the
// validator (sweepSection.ts) and the schema editors read cannot disagree. The lead wires
// SWEEP_SCHEMA into scenarios/schema.json as properties.sweep.
import { KNOB_TABLE, KNOBS } from '../serving/knobs.ts';

export const OBJECTIVES = ['max-rate', 'min-p99'] as const;

export const SWEEP_DEFAULTS = {
  strategy: 'adaptive',
  objective: 'max-rate',
  slo: ['p99 < 50ms', 'error_rate < 1%'],
  step: '2s',
  warmup: '1s',
  start_rate: 100,
  max_rate: 100_000,
  precision: 0.1,
  growth: 2,
  max_steps: 10,
  repeats: 2,
  top: 2,
  max_in_flight: 1024,
} as const;

type Schema = Record<string, unknown>;

/** `errorMessage` (and `patternErrorMessage`): VS Code shows them, and the scenario loader builds its messages from them. */
function withMessage(expected: string, schema: Schema): Schema {
  const message = `expected ${expected}`;
  return { ...schema, errorMessage: message, ...('pattern' in schema ? { patternErrorMessage: message } : {}) };
}

const NUMBER = '(\\d+(\\.\\d+)?|\\.\\d+)';
const DURATION_UNITS = '(us|µs|ms|s|m|min|h)';
const duration = (description: string, extra: Schema = {}): Schema =>
  withMessage('a duration like 2s or 500ms, or a number of seconds', { type: ['string', 'number'], pattern: `^\\s*${NUMBER}\\s*${DURATION_UNITS}?\\s*$`, minimum: 0, description, ...extra });
const rate = (description: string, extra: Schema = {}): Schema =>
  withMessage('a rate like 500/s', { type: ['string', 'number'], pattern: `^\\s*${NUMBER}\\s*(/s|/sec|rps|req/s|/m|/min)?\\s*$`, exclusiveMinimum: 0, description, ...extra });
const int = (min: number, description: string, extra: Schema = {}): Schema => withMessage(`an integer >= ${min}`, { type: 'integer', minimum: min, description, ...extra });

/** One value or a list (no anyOf: a number's keywords and an array's keywords apply each to its own type, so errors stay precise). */
function knobValues(min: number, max: number, description: string): Schema {
  const one = `an integer between ${min} and ${max}`;
  return withMessage(`${one} or a list of different ones`, {
    type: ['integer', 'array'], minimum: min, maximum: max, minItems: 1, uniqueItems: true, description,
    items: withMessage(one, { type: 'integer', minimum: min, maximum: max }),
  });
}

// A batch delay with its unit; a bare number only as 0 (anything else would be ambiguous).
const DELAY_ITEM = withMessage('a duration with its unit like 500us or 2ms, or 0', {
  type: ['string', 'number'], minimum: 0, maximum: 0, pattern: `^\\s*(0|${NUMBER}\\s*${DURATION_UNITS})\\s*$`,
});

/** The JSON Schema of the sweep section, for the published scenarios/schema.json (properties.sweep). */
export const SWEEP_SCHEMA: Schema = withMessage('an object like {knobs: {max_batch_size: [0, 16]}}', {
  type: 'object',
  additionalProperties: false,
  description: 'Settings of `servebench tune`: the server knobs to try, the search, the objective and its SLO. See scenarios/tune-mlp.yaml.',
  required: ['knobs'],
  properties: {
    reconfigure: withMessage('restart or api', { enum: ['restart', 'api'], description: 'How each trial\'s knobs reach the server. restart: stop it and start it again with them (a command target whose command line names knobs, or a config file such as {config_pbtxt}). api: its model management API (Triton\'s repository API, TorchServe\'s management API, servebench\'s). Default: api for a TorchServe with a management_url; else restart when the command line names knobs; else api.' }),
    strategy: withMessage('grid or adaptive', { enum: ['grid', 'adaptive'], default: SWEEP_DEFAULTS.strategy, description: 'grid: every combination. adaptive: coordinate search over the knobs, then successive halving of the best.' }),
    knobs: withMessage('an object of knob value lists like {workers: [1, 2], max_batch_size: [0, 16]}', {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      description: 'Values to try per knob; a knob not listed keeps the base value (the scenario\'s target.server, else the server default).',
      properties: {
        ...Object.fromEntries(KNOBS.map((k) => [k, knobValues(KNOB_TABLE[k].min, KNOB_TABLE[k].max, KNOB_TABLE[k].meaning)])),
        max_batch_delay: withMessage('a batch delay like 2ms or a list of them', {
          ...DELAY_ITEM, type: ['string', 'number', 'array'], minItems: 1, items: DELAY_ITEM,
          description: 'Same as max_batch_delay_us, as durations with their unit: [0, 500us, 2ms].',
        }),
      },
    }),
    objective: withMessage(OBJECTIVES.join(' or '), { enum: [...OBJECTIVES], default: SWEEP_DEFAULTS.objective, description: 'max-rate: the highest open-loop rate whose p99 and error rate meet the SLO. min-p99: the lowest p99 at `rate`.' }),
    rate: rate('min-p99 only: the arrival rate, e.g. 500/s.'),
    slo: withMessage('a limit like "p99 < 50ms" or a list of them', {
      type: ['string', 'array'],
      items: withMessage('a limit like "p99 < 50ms" or "error_rate < 1%"', { type: 'string' }),
      description: `Limits a configuration must meet: "p99 < 50ms", "error_rate < 1%". Unstated limits come from the scenario's thresholds, then ${SWEEP_DEFAULTS.slo.join(', ')}.`,
    }),
    step: duration('Length of one rate step (a number is seconds).', { default: SWEEP_DEFAULTS.step }),
    step_s: withMessage('a number of seconds above 0', { type: 'number', exclusiveMinimum: 0, description: 'Same as step, in seconds.' }),
    warmup: duration('Load after each reconfiguration before measuring.', { default: SWEEP_DEFAULTS.warmup }),
    warmup_s: withMessage('a number of seconds', { type: 'number', minimum: 0, description: 'Same as warmup, in seconds.' }),
    start_rate: rate('First rate of the first capacity search; later ones start at half the best capacity so far.', { default: SWEEP_DEFAULTS.start_rate }),
    max_rate: rate('Highest rate tried.', { default: SWEEP_DEFAULTS.max_rate }),
    precision: withMessage('a share between 0 and 1 like 10%', {
      type: ['number', 'string'], exclusiveMinimum: 0, maximum: 1, pattern: `^\\s*${NUMBER}\\s*%?\\s*$`, default: SWEEP_DEFAULTS.precision,
      description: 'A capacity search stops when its bracket is this narrow (0.1 or 10%).',
    }),
    growth: withMessage('a number above 1', { type: 'number', exclusiveMinimum: 1, default: SWEEP_DEFAULTS.growth, description: 'Rate multiplier while every step passes.' }),
    max_steps: int(2, 'Rate steps per capacity search at most.', { default: SWEEP_DEFAULTS.max_steps }),
    repeats: int(1, 'The top candidates are measured until each has this many runs (noise).', { default: SWEEP_DEFAULTS.repeats }),
    top: int(1, 'How many top candidates are repeated.', { default: SWEEP_DEFAULTS.top }),
    max_trials: int(1, 'Adaptive: trials at most (default 35% of the grid, at least 8).'),
    max_in_flight: int(1, 'Cap on outstanding requests during a step; beyond it a request is dropped (an error).', { default: SWEEP_DEFAULTS.max_in_flight }),
  },
});
