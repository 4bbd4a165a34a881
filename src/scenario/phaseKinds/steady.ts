// steady: constant load, measured and counted.
import type { SteadyPhase } from '../../contract/scenario.ts';
import { loadPhase, phaseSchema } from './common.ts';
import type { PhaseKindModule } from './kind.ts';

export const STEADY: PhaseKindModule<SteadyPhase> = {
  kind: 'steady',
  schema: phaseSchema('steady', 'Constant load, measured and counted.', {}),
  resolve(input) {
    const common = loadPhase(input);
    return common && { ...common, kind: 'steady' };
  },
};
