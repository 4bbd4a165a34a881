// Search strategies over the server's knobs behind one interface: given every trial so far, propose
// the next configuration to measure, or say the search is done. Stateless: the same history gives
// the same proposal, so a search can be resumed or replayed from its trials.
import { adaptiveStrategy, type AdaptiveOptions } from './adaptive.ts';
import { candidatesToRepeat } from './noise.ts';
import { configKey } from '../../serving/config.ts';
import { gridConfigs, type SearchSpace, type Trial } from './space.ts';
import type { ServingConfig } from '../../serving/knobs.ts';
import { ServebenchError } from '../../contract/errors.ts';

export type Proposal = { done: false; config: ServingConfig; reason: string } | { done: true; reason: string };

export interface SearchStrategy {
  readonly name: 'grid' | 'adaptive';
  propose(history: readonly Trial[]): Proposal;
}

export interface GridOptions {
  /** After every configuration, measure the best this many (and the cheapest within noise of the best) again... */
  repeatTop?: number;
  /** ...until each has this many measurements (noise.ts decides with them). Default 3 and 3. */
  repeats?: number;
}

/** Counts measurements per configuration. */
export function measuredCounts(history: readonly Trial[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of history) counts.set(configKey(t.config), (counts.get(configKey(t.config)) ?? 0) + 1);
  return counts;
}

/** Every distinct configuration once, cheapest first, then the contenders again (noise.ts candidatesToRepeat). */
export function gridStrategy(space: SearchSpace, options: GridOptions = {}): SearchStrategy {
  const configs = gridConfigs(space);
  const repeatTop = options.repeatTop ?? 3;
  const repeats = options.repeats ?? 3;
  return {
    name: 'grid',
    propose(history) {
      const counts = measuredCounts(history);
      const index = configs.findIndex((c) => !counts.has(configKey(c)));
      if (index >= 0) return { done: false, config: configs[index], reason: `grid ${index + 1}/${configs.length}` };
      const again = candidatesToRepeat(history, repeatTop, repeats);
      if (again.length > 0) {
        const n = counts.get(configKey(again[0]))! + 1;
        return { done: false, config: again[0], reason: `re-measure the top ${repeatTop} and the cheapest within noise of the best (run ${n} of ${repeats})` };
      }
      return { done: true, reason: `measured all ${configs.length} distinct configurations and the contenders ${repeats} times each` };
    },
  };
}

export function createStrategy(name: string, space: SearchSpace, options: GridOptions & AdaptiveOptions = {}): SearchStrategy {
  if (name === 'grid') return gridStrategy(space, options);
  if (name === 'adaptive') return adaptiveStrategy(space, options);
  throw new ServebenchError('SB_ERR_SEARCH_SPACE', `unknown search strategy "${name}"; expected grid or adaptive`);
}

/** Drives a strategy to the end against a measuring function (simulations, tests; the runner does this with real runs). */
export function runStrategy(strategy: SearchStrategy, measure: (config: ServingConfig, history: readonly Trial[]) => Trial, maxTrials = 10_000): Trial[] {
  const history: Trial[] = [];
  for (let i = 0; i < maxTrials; i++) {
    const p = strategy.propose(history);
    if (p.done) return history;
    history.push(measure(p.config, history));
  }
  throw new ServebenchError('SB_ERR_SEARCH_STATE', `${strategy.name} search did not finish within ${maxTrials} trials`);
}

export { adaptiveStrategy, type AdaptiveOptions };
