import { describe, expect, it } from 'vitest';
import { nextRate, observe, searchCapacity, startCapacitySearch, type CapacityObservation } from '../../src/tune/search/capacity.ts';
import { isServebenchError } from '../../src/contract/errors.ts';

/** An M/M/1-like server of 1000 rps: p99 = 2 ms / (1 - load); beyond 1000 rps it only completes 1000. */
function queueServer(rate: number): CapacityObservation {
  const load = rate / 1000;
  return { p99Us: load < 1 ? 2000 / (1 - load) : 10_000_000, errorRate: 0, achievedRps: Math.min(rate, 1000) };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isServebenchError(err) ? err.code : 'other';
  }
  return undefined;
}

describe('capacity search', () => {
  it('grows exponentially to the first failure, then bisects to 5% and keeps the whole curve', () => {
    // p99 <= 19 ms up to 89.5% load. Asked in order: 100..1600, then 1200, 1000, 900 (20 ms: just
    // past the SLO, so measured again), 850, 875; 875..900 is within 5%.
    const r = searchCapacity({ sloP99Us: 19_000, startRps: 100 }, queueServer);
    expect(r.curve.map((p) => `${p.rateRps}${p.remeasure ? ' again' : ''}`)).toEqual(['100', '200', '400', '800', '850', '875', '900', '900 again', '1000', '1200', '1600']);
    expect(r.capacityRps).toBe(875);
    expect(r.reason).toBe('converged');
    expect(r.trials).toBe(11);
    expect(r.atCapacity).toEqual({ p99Us: 16_000, errorRate: 0, achievedRps: 875 });
    expect(r.curve.find((p) => p.rateRps === 1600)!.broke).toEqual(['p99', 'throughput']);
    expect(r.curve.filter((p) => p.passed).map((p) => p.rateRps)).toEqual([100, 200, 400, 800, 850, 875]);
  });

  it('finds the limit set by the error rate when latency is fine', () => {
    const r = searchCapacity({ sloP99Us: 1e9, maxErrorRate: 0.01, startRps: 50, precision: 0.02 }, (rate) => ({ p99Us: 1000, errorRate: rate > 700 ? 0.05 : 0, achievedRps: rate }));
    expect(r.capacityRps).toBeGreaterThan(700 * 0.98);
    expect(r.capacityRps).toBeLessThanOrEqual(700);
    expect(r.curve.filter((p) => !p.passed).every((p) => p.broke.includes('error_rate'))).toBe(true);
  });

  it('measures a failure just past the SLO once more and decides on the average', () => {
    // First look at 400 rps reads 21 ms (noise), the second 15 ms: average 18 ms passes.
    const readings = new Map<number, number[]>([[400, [21_000, 15_000]]]);
    const measure = (rate: number): CapacityObservation => ({ p99Us: readings.get(rate)?.shift() ?? (rate <= 400 ? 5000 : 50_000), errorRate: 0, achievedRps: rate });
    let state = startCapacitySearch({ sloP99Us: 20_000, startRps: 100 });
    const asked: string[] = [];
    for (let step = nextRate(state); !step.done; step = nextRate(state)) {
      asked.push(`${step.rateRps}${step.remeasure ? ' again' : ''}`);
      state = observe(state, step.rateRps, measure(step.rateRps));
    }
    expect(asked.slice(0, 5)).toEqual(['100', '200', '400', '400 again', '800']);
    expect(state.highestPass).toBeGreaterThanOrEqual(400);
  });

  it('does not re-measure a clear failure, nor any failure when the margin is 0', () => {
    const clear = searchCapacity({ sloP99Us: 20_000, startRps: 100 }, (rate) => ({ p99Us: rate >= 400 ? 40_000 : 1000, errorRate: 0, achievedRps: rate }));
    expect(clear.curve.some((p) => p.remeasure)).toBe(false);
    const marginal = (rate: number): CapacityObservation => ({ p99Us: rate >= 400 ? 21_000 : 1000, errorRate: 0, achievedRps: rate });
    expect(searchCapacity({ sloP99Us: 20_000, startRps: 100 }, marginal).curve.some((p) => p.remeasure)).toBe(true);
    expect(searchCapacity({ sloP99Us: 20_000, startRps: 100, remeasureMargin: 0 }, marginal).curve.some((p) => p.remeasure)).toBe(false);
  });

  it('measures a failure before anything passed once more, and lets the second reading decide', () => {
    // The start rate's first reading hits a 300 ms pause; the server holds 1000 rps.
    let paused = false;
    const measure = (rate: number): CapacityObservation => {
      if (!paused && rate === 800) {
        paused = true;
        return { p99Us: 300_000, errorRate: 0, achievedRps: rate };
      }
      return queueServer(rate);
    };
    const r = searchCapacity({ sloP99Us: 19_000, startRps: 800 }, measure);
    expect(r.curve.filter((p) => p.rateRps === 800).map((p) => p.passed)).toEqual([false, true]);
    expect(r.capacityRps).toBe(875); // as with no pause (the first test)
    expect(r.atCapacity?.p99Us).toBe(16_000);
    expect(r.curve.filter((p) => p.rateRps === 800).map((p) => Boolean(p.superseded))).toEqual([true, false]);
    // Without the confirmation the search goes down from 800 and settles far lower.
    paused = false;
    expect(searchCapacity({ sloP99Us: 19_000, startRps: 800, confirmFirstFailure: false }, measure).capacityRps).toBeLessThan(800);
  });

  it('stops at the rate bounds and at the trial budget', () => {
    const never = searchCapacity({ sloP99Us: 1000, startRps: 100, minRps: 10 }, () => ({ p99Us: 5000, errorRate: 0, achievedRps: 1 }));
    expect(never).toMatchObject({ capacityRps: 0, reason: 'min-rate' });
    expect(never.curve.map((p) => `${p.rateRps}${p.remeasure ? ' again' : ''}`)).toEqual(['10', '12.5', '25', '50', '100', '100 again']);
    const always = searchCapacity({ sloP99Us: 1e9, startRps: 100, maxRps: 500 }, (rate) => ({ p99Us: 1, errorRate: 0, achievedRps: rate }));
    expect(always).toMatchObject({ capacityRps: 500, reason: 'max-rate' });
    expect(searchCapacity({ sloP99Us: 20_000, startRps: 100, maxTrials: 3 }, queueServer)).toMatchObject({ capacityRps: 400, reason: 'max-trials', trials: 3 });
  });

  it('refuses a measurement of a rate it did not ask for, and bad options', () => {
    const state = startCapacitySearch({ sloP99Us: 20_000, startRps: 100 });
    expect(codeOf(() => observe(state, 150, queueServer(150)))).toBe('SB_ERR_SEARCH_STATE');
    expect(codeOf(() => observe(state, 100, { p99Us: Number.NaN, errorRate: 0, achievedRps: 100 }))).toBe('SB_ERR_INVALID_INPUT');
    expect(codeOf(() => startCapacitySearch({ sloP99Us: 0 }))).toBe('SB_ERR_INVALID_INPUT');
    expect(codeOf(() => startCapacitySearch({ sloP99Us: 1000, growthFactor: 1 }))).toBe('SB_ERR_INVALID_INPUT');
  });
});
