// The adaptive strategy: spend trials where the answer is.
//  1. Start at the base (default) configuration.
//  2. Coordinate search: along each knob in turn (batch size, batch delay, workers, threads, queue)
//     walk up (then down) its value list until capacity reads clearly worse (10% below the walk's
//     best) twice in a row (one bad reading on a shared machine must not end the walk short of the
//     optimum), and move to the best point of the line only when it beats the current one by more
//     than the noise (minGain).
//     A second sweep looks one step either side of the new point, for interactions.
//  3. Successive halving: measure the top-k again, keep the better half, measure again, until one;
//     then make sure the configuration the recommendation would pick was not picked on one reading
//     (the best by its runs after the first is read until it has two), and confirm the cheapest
//     configuration within noise of the best. Ranks use the recommendation's own estimate
//     (noise.ts), so the search and the recommendation agree on what "best" is.
// It is written as straight-line code over measure(); propose() replays it over the history and
// stops at the first measurement the history does not hold yet, which is the proposal.
import { median } from '../../analyze/stats.ts';
import { candidatesToRepeat, summariseTrials } from './noise.ts';
import { configKey, describeConfig, effectiveConfig } from '../../serving/config.ts';
import { DEFAULT_SERVING_CONFIG, type Knob, type ServingConfig } from '../../serving/knobs.ts';
import { gridConfigs, snapToSpace, validateSpace, type SearchSpace, type Trial } from './space.ts';
import type { Proposal, SearchStrategy } from './strategies.ts';

export interface AdaptiveOptions {
  /** Trials at most; default 40% of the grid's distinct configurations (at least 8). */
  maxTrials?: number;
  /** Relative gain that counts as better than noise, default 0.03. */
  minGain?: number;
  /** Configurations re-measured by successive halving, default 3. */
  topK?: number;
  /** Coordinate sweeps, default 2. */
  sweeps?: number;
  /** Clearly worse readings in a row that end a walk along a knob in the first sweep, default 2. */
  patience?: number;
  /**
   * How far below the walk's best a reading must fall to count as clearly worse, default 0.1. One
   * capacity reading on a shared machine spreads about +-15%: a tighter margin ends a walk on noise
   * before it reaches the knob value the grid would find best.
   */
  worseMargin?: number;
}

const KNOB_ORDER: readonly Knob[] = ['max_batch_size', 'max_batch_delay_us', 'workers', 'intra_op_threads', 'max_queue_size'];

class Need {
  constructor(readonly config: ServingConfig, readonly reason: string) {}
}
class OutOfBudget {}

/** The measurements of the history, handed out per configuration in trial order. */
class Ledger {
  private readonly pending = new Map<string, number[]>();
  private readonly used = new Map<string, { config: ServingConfig; values: number[] }>();
  count = 0;

  constructor(history: readonly Trial[], private readonly budget: number) {
    for (const t of history) {
      const key = configKey(t.config);
      this.pending.set(key, [...(this.pending.get(key) ?? []), t.capacityRps]);
    }
  }

  /** Current estimate of a configuration, measuring it once if never measured. */
  score(config: ServingConfig, reason: string, reserve = 0): number {
    const seen = this.used.get(configKey(config));
    return seen ? median(seen.values) : this.again(config, reason, reserve);
  }

  /** One more measurement of a configuration (reserve: trials to leave unspent). */
  again(config: ServingConfig, reason: string, reserve = 0): number {
    const key = configKey(config);
    const next = this.pending.get(key)?.shift();
    if (next === undefined) {
      if (this.count + reserve >= this.budget) throw new OutOfBudget();
      throw new Need(effectiveConfig(config), reason);
    }
    this.count++;
    const entry = this.used.get(key) ?? { config, values: [] };
    entry.values.push(next);
    this.used.set(key, entry);
    return median(entry.values);
  }

  measured(): ServingConfig[] {
    return [...this.used.values()].map((u) => u.config);
  }

  /** The measurements handed out so far, as trials (capacity only). */
  trials(): Trial[] {
    return [...this.used.values()].flatMap((u) => u.values.map((capacityRps) => ({ config: u.config, capacityRps, p99Us: 0 })));
  }
}

export function adaptiveStrategy(space: SearchSpace, options: AdaptiveOptions = {}): SearchStrategy {
  const lists = validateSpace(space);
  const gridSize = gridConfigs(space).length;
  const budget = options.maxTrials ?? Math.max(8, Math.ceil(0.4 * gridSize));
  const minGain = options.minGain ?? 0.03;
  const topK = options.topK ?? 3;
  const sweeps = options.sweeps ?? 2;
  const patience = Math.max(1, options.patience ?? 2);
  const worseMargin = options.worseMargin ?? 0.1;
  // Trials kept for successive halving and the cheap rival's check, at most half the budget.
  const reserve = Math.min(topK + Math.ceil(topK / 2) + 2, Math.floor(budget / 2));
  const knobs = KNOB_ORDER.filter((k) => lists[k].length > 1);
  const start = snapToSpace(space.base ?? DEFAULT_SERVING_CONFIG, lists);

  function lineSearch(ledger: Ledger, center: ServingConfig, knob: Knob, sweep: number): ServingConfig {
    const values = lists[knob];
    const i0 = values.indexOf(center[knob]);
    const centerScore = ledger.score(center, 'start', reserve);
    let best = center;
    let bestScore = centerScore;
    for (const dir of [1, -1]) {
      let lineBest = centerScore;
      let worseInARow = 0;
      for (let j = i0 + dir; j >= 0 && j < values.length; j += dir) {
        const c = { ...center, [knob]: values[j] };
        const s = ledger.score(c, `sweep ${sweep + 1}: ${knob} ${values[j]} from ${describeConfig(center)}`, reserve);
        if (s > bestScore) [best, bestScore] = [c, s];
        worseInARow = s < lineBest * (1 - worseMargin) ? worseInARow + 1 : 0;
        if (worseInARow >= patience || sweep > 0) break; // clearly worse again, or the second sweep's single step
        lineBest = Math.max(lineBest, s);
      }
      if (bestScore > centerScore * (1 + minGain)) return best; // found going up: no need to look down
    }
    return bestScore > centerScore * (1 + minGain) ? best : center;
  }

  function plan(history: readonly Trial[]): Proposal {
    const ledger = new Ledger(history, budget);
    try {
      let current = start;
      let cut = false;
      ledger.score(start, `start at the base configuration, ${describeConfig(start)}`);
      try {
        for (let sweep = 0; sweep < sweeps; sweep++) {
          const before = configKey(current);
          for (const knob of knobs) current = lineSearch(ledger, current, knob, sweep);
          if (configKey(current) === before) break;
        }
      } catch (e) {
        if (!(e instanceof OutOfBudget)) throw e;
        cut = true;
      }
      // Successive halving over the best measured configurations.
      const rank = (configs: ServingConfig[]): ServingConfig[] => {
        const keys = new Set(configs.map(configKey));
        return summariseTrials(ledger.trials()).filter((s) => keys.has(s.key)).map((s) => s.config);
      };
      let pool = rank(ledger.measured()).slice(0, topK);
      for (let round = 1; pool.length > 1; round++) {
        for (const c of pool) ledger.again(c, `re-measure the top ${pool.length} (round ${round}): ${describeConfig(c)}`);
        pool = rank(pool).slice(0, Math.ceil(pool.length / 2));
      }
      // A configuration read once ranks on the very reading that singled it out, while those read
      // again have come down from theirs (a lucky reading regresses to the mean): read the best again
      // until it has two runs. Then the recommendation's cheap pick within noise of the best.
      for (;;) {
        const best = summariseTrials(ledger.trials())[0];
        const [rival] = candidatesToRepeat(ledger.trials(), 0);
        if (best.capacities.length < 2) ledger.again(best.config, `read the best so far again, measured once: ${describeConfig(best.config)}`);
        else if (rival) ledger.again(rival, `check the cheapest configuration within noise of the best: ${describeConfig(rival)}`);
        else break;
      }
      const how = cut ? 'the coordinate search was cut short by the budget' : 'the coordinate search converged';
      return { done: true, reason: `${how}; ${ledger.count} trials of a budget of ${budget}` };
    } catch (e) {
      if (e instanceof Need) return { done: false, config: e.config, reason: e.reason };
      if (e instanceof OutOfBudget) return { done: true, reason: `used the budget of ${budget} trials` };
      throw e;
    }
  }

  return { name: 'adaptive', propose: plan };
}

