// ramp: steps of rate (open loop) or connections (closed loop), one after another; the phase
// lasts the sum of its steps.
import type { RampPhase } from '../../contract/scenario.ts';
import { DEFAULTS } from '../defaults.ts';
import { describeValue } from '../errors.ts';
import { readDuration } from '../fields.ts';
import type { DurationInput, PhaseInput } from '../input.ts';
import { durationPair, int, oneOf, positive, withMessage } from '../schemaParts.ts';
import { formatDurationMs } from '../../format/units.ts';
import { LOAD_FIELDS, phaseSchema, RATE_EXPECTED } from './common.ts';
import type { PhaseKindModule, PhaseResolution, UnnamedPhase } from './kind.ts';

interface RampStepInput {
  rate?: number;
  connections?: number;
  duration?: DurationInput;
  duration_s?: DurationInput;
}

interface RampInput extends PhaseInput {
  mode?: 'open' | 'closed';
  steps?: RampStepInput[];
}

const RAMP_STEP = withMessage('a step like {rate: 100, duration: 10s}', {
  type: 'object',
  additionalProperties: false,
  properties: {
    rate: positive('Requests per second during this step (open mode).'),
    connections: int(1, 10_000, 'Connections during this step (closed mode).'),
    ...durationPair('duration', 'duration_s', 'How long this step holds.'),
  },
});

function resolveRamp({ raw: input, path, ctx: { problems }, duration, extent, thresholds }: PhaseResolution): UnnamedPhase<RampPhase> | undefined {
  const raw = input as RampInput;
  if (!raw.steps) {
    problems.add([...path, 'steps'], 'expected a list of steps like [{rate: 100, duration: 10s}], got nothing');
    return undefined;
  }
  const first = raw.steps[0];
  const mode = raw.mode ?? (first.connections !== undefined && first.rate === undefined ? 'closed' : 'open');
  const key = mode === 'open' ? 'rate' : 'connections';
  const other = mode === 'open' ? 'connections' : 'rate';
  const steps: RampPhase['steps'] = [];
  let complete = true;
  raw.steps.forEach((step, i) => {
    const at = [...path, 'steps', i];
    if (step[other] !== undefined) problems.add([...at, other], `only for a ${mode === 'open' ? 'closed' : 'open'} ramp: the steps of an ${mode} ramp give ${key}`);
    else if (step[key] === undefined) problems.add([...at, key], `${mode === 'open' ? RATE_EXPECTED : 'expected an integer between 1 and 10000'}, got nothing`);
    const stepDuration = readDuration(step, 'duration', 'duration_s', at, problems, { positive: true });
    if (stepDuration.value === undefined && step.duration === undefined && step.duration_s === undefined) {
      problems.add([...at, 'duration'], 'expected a duration like 30s, 500ms or 2m, or a number of seconds, got nothing');
    }
    complete &&= stepDuration.value !== undefined;
    steps.push({ [key]: step[key], duration_s: stepDuration.value ?? 0 } as RampPhase['steps'][number]);
  });
  const total = Number(steps.reduce((sum, s) => sum + s.duration_s, 0).toPrecision(12));
  if (complete && duration.value !== undefined && duration.key && Math.abs(duration.value - total) > 1e-9) {
    problems.add([...path, duration.key], `expected the sum of the steps (${formatDurationMs(total * 1000)}) or nothing, got ${describeValue(raw[duration.key as keyof PhaseInput])}`);
  }
  return { ...extent, kind: 'ramp', mode, steps, max_in_flight: raw.max_in_flight ?? DEFAULTS.max_in_flight, duration_s: total, thresholds };
}

export const RAMP: PhaseKindModule<RampPhase> = {
  kind: 'ramp',
  schema: phaseSchema('ramp', 'Steps of increasing (or any) rate or connections; lasts the sum of its steps.', {
    mode: oneOf(['open', 'closed'], 'open: steps give rates; closed: steps give connections. Inferred from the steps when omitted.'),
    steps: withMessage('a list of steps like [{rate: 100, duration: 10s}]', { type: 'array', minItems: 1, items: RAMP_STEP, description: 'The steps, in order.' }),
    max_in_flight: LOAD_FIELDS.max_in_flight,
  }, false),
  resolve: resolveRamp,
  loadSteps: (phase) => phase.steps.map((step) => ({
    load: phase.mode === 'open' ? { mode: 'open', rate: step.rate!, max_in_flight: phase.max_in_flight } : { mode: 'closed', connections: step.connections!, pipelining: 1 },
    extent: { duration_s: step.duration_s },
  })),
};
