import { describe, expect, it } from 'vitest';
import { pickRecommendation } from '../../src/tune/search/noise.ts';
import { allCombinations, gridConfigs, validateSpace } from '../../src/tune/search/space.ts';
import { configKey } from '../../src/serving/config.ts';
import { DEFAULT_SERVING_CONFIG, type ServingConfig } from '../../src/serving/knobs.ts';
import { adaptiveStrategy, createStrategy, gridStrategy, runStrategy } from '../../src/tune/search/strategies.ts';
import { cnnSurface, mlpSurface, noisyMeasure, REALISTIC_SPACE } from './surfaces.ts';
import { isServebenchError } from '../../src/contract/errors.ts';

function spaceError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isServebenchError(err, 'SB_ERR_SEARCH_SPACE')) return err.message;
    throw err;
  }
  throw new Error('accepted');
}

const trueMax = Math.max(...gridConfigs(REALISTIC_SPACE).map((c) => mlpSurface(c).capacityRps));

describe('search space', () => {
  it('enumerates every combination, cheapest first, and merges a delay without batching into its delay-0 twin', () => {
    expect(allCombinations(REALISTIC_SPACE)).toHaveLength(60);
    const configs = gridConfigs(REALISTIC_SPACE);
    expect(configs).toHaveLength(60 - 3 * 3); // batch 1 with delays 500/2000/5000, for each worker count
    expect(new Set(configs.map(configKey)).size).toBe(configs.length);
    expect(configs[0]).toMatchObject({ workers: 1, max_batch_size: 1, max_batch_delay_us: 0 });
    expect(configs.at(-1)).toMatchObject({ workers: 4, max_batch_size: 32, max_batch_delay_us: 5000 });
    // Cheap first: workers never decrease along the order.
    expect(configs.every((c, i) => i === 0 || configs[i - 1].workers <= c.workers)).toBe(true);
    expect(configKey({ ...configs[0], max_batch_delay_us: 2000, preferred_batch_sizes: [4] })).toBe(configKey(configs[0]));
  });

  it('names what is wrong with a space', () => {
    expect(spaceError(() => validateSpace({ knobs: { batch: [1] } as never }))).toMatch(/knob "batch": unknown; expected one of workers, max_batch_size/);
    expect(spaceError(() => validateSpace({ knobs: { workers: [] } }))).toMatch(/workers: has no values/);
    expect(spaceError(() => validateSpace({ knobs: { workers: [0, 1] } }))).toMatch(/workers: value 0 is not an integer between 1 and 64/);
    expect(spaceError(() => validateSpace({ knobs: { max_batch_size: [4, 4] } }))).toMatch(/lists a value twice/);
    expect(spaceError(() => createStrategy('random', REALISTIC_SPACE))).toMatch(/unknown search strategy "random"; expected grid or adaptive/);
  });
});

describe('grid strategy', () => {
  it('measures each distinct configuration once, then the contenders until each has 3 runs, and is stateless', () => {
    const grid = gridStrategy(REALISTIC_SPACE);
    const history = runStrategy(grid, noisyMeasure(mlpSurface, 0.03, 1));
    const counts = new Map<string, number>();
    for (const t of history) counts.set(configKey(t.config), (counts.get(configKey(t.config)) ?? 0) + 1);
    expect(counts.size).toBe(51);
    expect(history.length).toBeGreaterThanOrEqual(51 + 3 * 2);
    const top3 = pickRecommendation(history);
    expect(counts.get(top3.chosen.key)).toBe(3);
    expect(grid.propose(history)).toMatchObject({ done: true });
    expect(grid.propose(history.slice(0, 10))).toEqual(grid.propose(history.slice(0, 10)));
  });
});

describe('adaptive strategy on a synthetic capacity surface (3% noise)', () => {
  it('finds a configuration within 5% of the grid\'s best with at most 40% of its trials', () => {
    const runs = [];
    for (let seed = 1; seed <= 10; seed++) {
      const grid = runStrategy(gridStrategy(REALISTIC_SPACE), noisyMeasure(mlpSurface, 0.03, seed));
      const adaptive = runStrategy(adaptiveStrategy(REALISTIC_SPACE), noisyMeasure(mlpSurface, 0.03, 1000 + seed));
      const gridBest = mlpSurface(pickRecommendation(grid).chosen.config).capacityRps;
      const found = mlpSurface(pickRecommendation(adaptive).chosen.config).capacityRps;
      runs.push({ seed, gridTrials: grid.length, trials: adaptive.length, gap: 1 - found / gridBest, toTrueMax: 1 - found / trueMax });
    }
    for (const r of runs) {
      expect(r.trials, `seed ${r.seed}`).toBeLessThanOrEqual(0.4 * r.gridTrials);
      expect(r.trials, `seed ${r.seed}`).toBeLessThanOrEqual(0.4 * 60); // the 60 combinations of the grid
      expect(r.gap, `seed ${r.seed}`).toBeLessThanOrEqual(0.05);
      expect(r.toTrueMax, `seed ${r.seed}`).toBeLessThanOrEqual(0.05);
    }
  });

  it('on a cnn-like surface (batching does not help, p99 rises with delay) recommends no batch delay', () => {
    for (let seed = 1; seed <= 5; seed++) {
      for (const strategy of [gridStrategy(REALISTIC_SPACE), adaptiveStrategy(REALISTIC_SPACE)]) {
        const chosen = pickRecommendation(runStrategy(strategy, noisyMeasure(cnnSurface, 0.03, seed))).chosen.config;
        expect(chosen.max_batch_delay_us, `${strategy.name} seed ${seed}`).toBe(0);
        expect(chosen.workers, `${strategy.name} seed ${seed}`).toBe(2); // 4 contend for 2 cores
      }
    }
  });

  it('replays from its history: the same trials give the same proposal, and the budget holds', () => {
    const adaptive = adaptiveStrategy(REALISTIC_SPACE);
    const history = runStrategy(adaptive, noisyMeasure(mlpSurface, 0.03, 5));
    for (const n of [0, 3, 9, history.length - 1]) expect(adaptive.propose(history.slice(0, n))).toEqual(adaptive.propose(history.slice(0, n)));
    const first = adaptive.propose([]);
    expect(first).toMatchObject({ done: false, config: { workers: 1, max_batch_size: 1, max_batch_delay_us: 0 } });
    expect(first.done ? '' : first.reason).toMatch(/start at the base configuration/);
    const tight = adaptiveStrategy(REALISTIC_SPACE, { maxTrials: 6 });
    const small = runStrategy(tight, noisyMeasure(mlpSurface, 0.03, 5));
    expect(small.length).toBeGreaterThanOrEqual(4); // still searches, and keeps some trials to re-measure
    expect(small.length).toBeLessThanOrEqual(6);
    expect(tight.propose(small)).toMatchObject({ done: true, reason: expect.stringMatching(/cut short by the budget|budget of 6/) });
  });

  it('walks on past one bad reading: a knob is left only after two clearly worse values in a row', () => {
    // The first reading of batch 4 comes out at half its capacity (a neighbour's burst), below batch 1; the optimum is at 32.
    const measure = noisyMeasure(mlpSurface, 0.01, 7);
    let spoiled = false;
    const unlucky = (config: ServingConfig) => {
      const trial = measure(config);
      if (spoiled || config.max_batch_size !== 4) return trial;
      spoiled = true;
      return { ...trial, capacityRps: trial.capacityRps * 0.5 };
    };
    const history = runStrategy(adaptiveStrategy(REALISTIC_SPACE), unlucky);
    expect(spoiled).toBe(true);
    const found = mlpSurface(pickRecommendation(history).chosen.config).capacityRps;
    expect(found / trueMax).toBeGreaterThan(0.95);
    // With no patience the walk stops at the bad reading and the search never sees large batches.
    spoiled = false;
    const hasty = runStrategy(adaptiveStrategy(REALISTIC_SPACE, { patience: 1 }), unlucky);
    expect(Math.max(...hasty.map((t) => t.config.max_batch_size))).toBeLessThan(Math.max(...history.map((t) => t.config.max_batch_size)));
  });

  it('takes readings a few percent down as noise, not as the end of the walk', () => {
    // A real mlp walk read batch 4, 8, 16 at 4125, 3868, 3868 rps and stopped; batch 64 was the grid's best.
    const measure = noisyMeasure(mlpSurface, 0.01, 7);
    const atBatch4 = mlpSurface({ ...DEFAULT_SERVING_CONFIG, max_batch_size: 4 }).capacityRps;
    const dipped = new Set<number>();
    const plateau = (config: ServingConfig) => {
      const trial = measure(config);
      const b = config.max_batch_size;
      if ((b !== 8 && b !== 16) || config.workers !== 1 || config.max_batch_delay_us !== 0 || dipped.has(b)) return trial;
      dipped.add(b);
      return { ...trial, capacityRps: atBatch4 * 0.94 };
    };
    const history = runStrategy(adaptiveStrategy(REALISTIC_SPACE), plateau);
    expect(dipped).toEqual(new Set([8, 16]));
    expect(Math.max(...history.map((t) => t.config.max_batch_size))).toBeGreaterThanOrEqual(32);
    expect(mlpSurface(pickRecommendation(history).chosen.config).capacityRps / trueMax).toBeGreaterThan(0.95);
    // Counting every 3% as clearly worse, the walk ends at batch 16.
    dipped.clear();
    const hasty = runStrategy(adaptiveStrategy(REALISTIC_SPACE, { worseMargin: 0.03 }), plateau);
    expect(Math.max(...hasty.filter((t) => t.config.workers === 1 && t.config.max_batch_delay_us === 0).map((t) => t.config.max_batch_size))).toBe(16);
  });

  it('does not hand the recommendation a configuration read once: the best is read again until it has two runs', () => {
    // Winner's curse, as a real mlp run showed (5362 then 2513 rps): each configuration's first
    // reading is lucky (up to +60% and more), later readings are true. Those re-measured come down;
    // one read once keeps its lucky reading and would win on it. Only the budget may cut this short.
    let readOnce = 0;
    const seeds = 40;
    for (let seed = 1; seed <= seeds; seed++) {
      const measure = noisyMeasure(mlpSurface, 0.01, seed);
      const luck = noisyMeasure(() => ({ capacityRps: 1, p99Us: 1 }), 0.3, seed + 5000);
      const seen = new Set<string>();
      const lucky = (config: ServingConfig) => {
        const trial = measure(config);
        const key = configKey(config);
        if (seen.has(key)) return trial;
        seen.add(key);
        return { ...trial, capacityRps: trial.capacityRps * (1 + 2 * Math.abs(luck(config).capacityRps - 1)) };
      };
      const history = runStrategy(adaptiveStrategy(REALISTIC_SPACE), lucky);
      if (pickRecommendation(history).chosen.capacities.length < 2) readOnce++;
    }
    // Ranking the halving on the median of all runs, and not reading the best again, left over 60% of
    // such searches recommending a configuration read once; the budget still ends about 1 in 10.
    expect(readOnce / seeds).toBeLessThanOrEqual(0.2);
  });

  it('never spends a trial on a batch delay without batching', () => {
    const history = runStrategy(adaptiveStrategy(REALISTIC_SPACE), noisyMeasure(cnnSurface, 0.03, 2));
    const pointless = (c: ServingConfig): boolean => c.max_batch_size <= 1 && c.max_batch_delay_us > 0;
    expect(history.some((t) => pointless(t.config))).toBe(false);
  });
});
