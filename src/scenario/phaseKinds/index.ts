// The phase kinds, by name: a new kind is its module and one line here (and its resolved type in
// contract/scenario.ts, which imports nothing). The order is the schema's and the docs'.
import type { Phase, PhaseKind } from '../../contract/scenario.ts';
import { ABORTS } from './aborts.ts';
import { FLAP } from './flap.ts';
import type { PhaseKindModule } from './kind.ts';
import { MALFORMED } from './malformed.ts';
import { OVERLOAD } from './overload.ts';
import { RAMP } from './ramp.ts';
import { SHUTDOWN } from './shutdown.ts';
import { SLOW_CLIENTS } from './slowClients.ts';
import { STEADY } from './steady.ts';
import { WARMUP } from './warmup.ts';

export const PHASE_KINDS: { readonly [K in PhaseKind]: PhaseKindModule<Extract<Phase, { kind: K }>> } = {
  warmup: WARMUP,
  steady: STEADY,
  ramp: RAMP,
  malformed: MALFORMED,
  shutdown: SHUTDOWN,
  flap: FLAP,
  aborts: ABORTS,
  'slow-clients': SLOW_CLIENTS,
  overload: OVERLOAD,
};

/** A phase's kind module (typed for the phase, which the mapped registry cannot say by itself). */
export function phaseKindOf<P extends Phase>(phase: P | P['kind']): PhaseKindModule<P> {
  return PHASE_KINDS[typeof phase === 'string' ? phase : phase.kind] as unknown as PhaseKindModule<P>;
}

export type { DriverContext, DriverTarget, LoadStep, PhaseDriver, PhaseKindModule } from './kind.ts';
