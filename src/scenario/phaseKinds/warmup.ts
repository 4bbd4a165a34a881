// warmup: load that is measured but left out of totals and thresholds.
import type { WarmupPhase } from '../../contract/scenario.ts';
import { loadPhase, phaseSchema } from './common.ts';
import type { PhaseKindModule } from './kind.ts';

export const WARMUP: PhaseKindModule<WarmupPhase> = {
  kind: 'warmup',
  schema: phaseSchema('warmup', 'Load that is measured but not counted in totals or thresholds (JIT, caches, worker start-up).', {}),
  resolve(input) {
    const common = loadPhase(input);
    return common && { ...common, kind: 'warmup' };
  },
};
