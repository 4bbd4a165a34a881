import { describe, expect, it } from 'vitest';
import { candidatesToRepeat, overlaps, pickRecommendation, pooledNoise, summariseTrials } from '../../src/tune/search/noise.ts';
import { DEFAULT_SERVING_CONFIG, type ServingConfig } from '../../src/serving/knobs.ts';
import type { Trial } from '../../src/tune/search/space.ts';
import { isServebenchError } from '../../src/contract/errors.ts';

const cfg = (o: Partial<ServingConfig>): ServingConfig => ({ ...DEFAULT_SERVING_CONFIG, max_batch_size: 16, ...o });
const trials = (config: ServingConfig, ...caps: number[]): Trial[] => caps.map((capacityRps) => ({ config, capacityRps, p99Us: 10_000 }));

describe('summaries and noise', () => {
  it('groups trials per configuration, best median first', () => {
    const a = cfg({ workers: 1 });
    const b = cfg({ workers: 2 });
    const s = summariseTrials([...trials(a, 100, 120, 110), ...trials(b, 200)]);
    expect(s.map((x) => [x.config.workers, x.medianRps, x.minRps, x.maxRps, x.capacities.length])).toEqual([[2, 200, 200, 200, 1], [1, 110, 100, 120, 3]]);
  });

  it('decides on the confirmatory runs: the first run of a re-measured configuration is left out (winner\'s curse)', () => {
    // By the median of all runs the lucky one leads (130 vs 119); by the confirmatory runs it trails (115 vs 120).
    const [first, second] = summariseTrials([...trials(cfg({ workers: 1 }), 150, 100, 130), ...trials(cfg({ workers: 2 }), 118, 120)]);
    expect([first.config.workers, first.medianRps, first.estimateRps, first.estimateRuns]).toEqual([2, 119, 120, 1]);
    expect([second.config.workers, second.medianRps, second.estimateRps, second.estimateRuns]).toEqual([1, 130, 115, 2]);
  });

  it('pools the spread of ln(capacity) within configurations, with a floor and a default', () => {
    const s = summariseTrials([...trials(cfg({ workers: 1 }), 100, 110), ...trials(cfg({ workers: 2 }), 200, 220)]);
    const d = Math.log(110) - Math.log(100);
    expect(pooledNoise(s).noise).toBeCloseTo(d / Math.SQRT2, 10); // two configs, each +-d/2 around its mean: ss = d^2, df = 2
    expect(pooledNoise(s).degreesOfFreedom).toBe(2);
    expect(pooledNoise(summariseTrials(trials(cfg({}), 100, 100))).noise).toBe(0.02);
    expect(pooledNoise(summariseTrials(trials(cfg({}), 100))).noise).toBe(0.05);
  });

  it('calls capacities within two standard errors overlapping', () => {
    const [a] = summariseTrials(trials(cfg({}), 1000));
    const [b] = summariseTrials(trials(cfg({ workers: 2 }), 1100));
    expect(overlaps(a, b, 0.05)).toBe(true); // ln(1.1) = 0.095 <= 2 * 0.05 * sqrt(2) = 0.141
    expect(overlaps(a, b, 0.03)).toBe(false); // 0.095 > 0.085
  });
});

describe('pickRecommendation', () => {
  it('takes a clear winner and says it is clear', () => {
    const r = pickRecommendation([...trials(cfg({ workers: 2 }), 2000, 2050, 1980), ...trials(cfg({ workers: 1 }), 1000, 1020, 990)]);
    expect(r.chosen.config.workers).toBe(2);
    expect(r.overlap).toBe(false);
    expect(r.reason).toMatch(/clearly above the next/);
  });

  it('prefers the cheaper of two that overlap within noise, and says so', () => {
    const r = pickRecommendation([...trials(cfg({ workers: 4 }), 1030, 1000, 1060), ...trials(cfg({ workers: 2 }), 1010, 1040, 990)]);
    expect(r.chosen.config.workers).toBe(2);
    expect(r.runnerUp!.config.workers).toBe(4);
    expect(r.overlap).toBe(true);
    expect(r.reason).toMatch(/within noise of the best.*the cheaper one is preferred/);
  });

  it('orders cheapness by workers, then threads, then batch delay', () => {
    const flat = [
      ...trials(cfg({ workers: 2, max_batch_delay_us: 0 }), 1000, 1010, 990),
      ...trials(cfg({ workers: 1, intra_op_threads: 2, max_batch_delay_us: 0 }), 1005, 995, 1000),
      ...trials(cfg({ workers: 1, intra_op_threads: 1, max_batch_delay_us: 2000 }), 1002, 998, 1001),
      ...trials(cfg({ workers: 1, intra_op_threads: 1, max_batch_delay_us: 500 }), 990, 1000, 1003),
    ];
    expect(pickRecommendation(flat).chosen.config).toMatchObject({ workers: 1, intra_op_threads: 1, max_batch_delay_us: 500 });
  });

  it('does not give up more than 5% for a cheaper configuration, even within noise, and says why', () => {
    const r = pickRecommendation([...trials(cfg({ workers: 2 }), 1000), ...trials(cfg({ workers: 1 }), 930)]);
    expect(r.chosen.config.workers).toBe(2);
    expect(r.overlap).toBe(true); // 7% apart with single runs: cannot be told apart
    expect(r.reason).toMatch(/1 worker.* at 930 rps \(1 run\) is cheaper and within noise \(noise 5\.0% per run\), but 7% lower: more than the 5% given up for a cheaper configuration/);
  });

  it("measures what a cheaper configuration gives up from the best's least favourable reading", () => {
    // Real cnn: a 2 ms delay read 378 then 425 rps; no delay 356, 399, 399. By its confirmatory run the
    // delay leads by 6.5%, by all its runs (median 402) by 0.6%: the cheaper, no delay, is recommended.
    const delay = cfg({ max_batch_size: 4, max_batch_delay_us: 2000 });
    const noDelay = cfg({ max_batch_size: 4, max_batch_delay_us: 0 });
    const r = pickRecommendation([...trials(delay, 378.25, 425.25), ...trials(noDelay, 356.25, 399.38, 399.38)]);
    expect(r.chosen.config.max_batch_delay_us).toBe(0);
    expect(r.runnerUp!.config.max_batch_delay_us).toBe(2000);
    expect(r.reason).toMatch(/within noise of the best.*the cheaper one is preferred/);
    // A best whose first run was its higher keeps the confirmatory estimate (the winner's curse rule).
    const cursed = pickRecommendation([...trials(delay, 480, 425.25), ...trials(noDelay, 356.25, 399.38, 399.38)]);
    expect(cursed.chosen.config.max_batch_delay_us).toBe(2000);
  });

  it('lists the top candidates still short of repeats, and the cheapest within noise of the best', () => {
    const all = [...trials(cfg({ workers: 1 }), 100), ...trials(cfg({ workers: 2 }), 300, 310, 290), ...trials(cfg({ workers: 4 }), 200), ...trials(cfg({ workers: 8 }), 50)];
    expect(candidatesToRepeat(all, 3, 3).map((c) => c.workers)).toEqual([4, 1]);
    const flat = [...trials(cfg({ workers: 4 }), 1000), ...trials(cfg({ workers: 3 }), 990), ...trials(cfg({ workers: 2 }), 960), ...trials(cfg({ workers: 1 }), 500)];
    expect(candidatesToRepeat(flat, 1, 3).map((c) => c.workers)).toEqual([4, 2]);
  });

  it('refuses to recommend from no trials', () => {
    try {
      pickRecommendation([]);
      throw new Error('accepted');
    } catch (err) {
      expect(isServebenchError(err) && err.code).toBe('SB_ERR_NO_DATA');
    }
  });
});
