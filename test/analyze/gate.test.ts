import { describe, expect, it } from 'vitest';
import { compareRule, gate, gateSampleOf, parseRelativeRule, type GateSample } from '../../src/analyze/gate.ts';
import { minimumDetectableRegression, simulateGates } from '../../src/analyze/gateSimulation.ts';
import { isServebenchError } from '../../src/contract/errors.ts';

function ruleError(expr: string): string {
  try {
    parseRelativeRule(expr);
  } catch (err) {
    if (isServebenchError(err, 'SB_ERR_GATE_RULE')) return err.message;
    throw err;
  }
  throw new Error(`"${expr}" was accepted`);
}

describe('parseRelativeRule', () => {
  it('reads latency, throughput and error-rate rules', () => {
    expect(parseRelativeRule('p99 may rise at most 10%')).toEqual({
      expression: 'p99 may rise at most 10%', metric: 'p99', direction: 'rise', tolerance: 0.1, mode: 'relative',
    });
    expect(parseRelativeRule('throughput may drop at most 5%')).toMatchObject({ metric: 'throughput', direction: 'drop', tolerance: 0.05, mode: 'relative' });
    const err = parseRelativeRule('error_rate may rise at most 0.1%');
    expect(err).toMatchObject({ metric: 'error_rate', mode: 'absolute' });
    expect(err.tolerance).toBeCloseTo(0.001, 12);
    expect(parseRelativeRule('  P99.9 may increase by at most 20 %')).toMatchObject({ metric: 'p999', direction: 'rise', tolerance: 0.2 });
  });

  it('says what is wrong with a rule it cannot read', () => {
    expect(ruleError('p99 < 10ms')).toMatch(/expected "<metric> may rise\|drop at most <N>%"/);
    expect(ruleError('p98 may rise at most 10%')).toMatch(/unknown metric "p98"; expected one of p50, p90, p99/);
    expect(ruleError('p99 may drop at most 10%')).toMatch(/p99 is worse when it rises; write "p99 may rise at most 10%"/);
    expect(ruleError('throughput may rise at most 5%')).toMatch(/throughput is worse when it drops/);
    expect(ruleError('p99 may rise at most 10')).toMatch(/must be a percentage/);
    expect(ruleError('throughput may drop at most 100%')).toMatch(/below 100/);
  });
});

describe('compareRule on known repeats', () => {
  const p99 = parseRelativeRule('p99 may rise at most 10%');
  const baseline = [1000, 1020, 980, 1010, 990];

  it('calls a clear 25% rise a regression, with the change and its interval', () => {
    const v = compareRule(p99, baseline, [1250, 1270, 1230, 1260, 1240]);
    expect(v.verdict).toBe('regressed');
    expect(v.change.estimate).toBeCloseTo(0.25, 10);
    expect(v.change.lower).toBeGreaterThan(0.1);
    expect(v.change.upper).toBeGreaterThan(v.change.estimate);
    expect(v.baseline).toMatchObject({ n: 5, median: 1000, min: 980, max: 1020 });
    expect(v.reason).toMatch(/^p99 \+25\.0% \(90% CI \+\d+\.\d% to \+\d+\.\d%\): worse by more than the 10% allowed$/);
  });

  it('calls a small shift within a tight interval no change, and a noisy one inconclusive', () => {
    expect(compareRule(p99, baseline, [1010, 1030, 990, 1020, 1000]).verdict).toBe('no change');
    const noisy = compareRule(p99, baseline, [900, 1300, 1000, 1150, 950]);
    expect(noisy.verdict).toBe('inconclusive');
    expect(noisy.reason).toMatch(/too noisy to tell.*run more repeats/);
  });

  it('calls a clear drop in p99 an improvement, and a clear drop in throughput a regression', () => {
    expect(compareRule(p99, baseline, [700, 710, 690, 705, 695]).verdict).toBe('improved');
    const rps = parseRelativeRule('throughput may drop at most 5%');
    expect(compareRule(rps, [500, 505, 495], [400, 405, 398]).verdict).toBe('regressed');
    expect(compareRule(rps, [500, 505, 495], [560, 565, 570]).verdict).toBe('improved');
  });

  it('compares error rates in absolute points, so a zero baseline works', () => {
    const rule = parseRelativeRule('error_rate may rise at most 0.1%');
    const worse = compareRule(rule, [0, 0, 0], [0.005, 0.006, 0.004]);
    expect(worse.verdict).toBe('regressed');
    expect(worse.change.kind).toBe('absolute');
    expect(worse.reason).toMatch(/points/);
    expect(compareRule(rule, [0, 0, 0], [0.0002, 0, 0.0001]).verdict).toBe('no change');
  });

  it('will not judge from a single run, nor from a metric that was not recorded', () => {
    const v = compareRule(p99, [1000], [2000]);
    expect(v.verdict).toBe('inconclusive');
    expect(v.reason).toMatch(/one run is not evidence/);
    expect(compareRule(p99, baseline, []).reason).toMatch(/not recorded in the current runs/);
  });

  it('refuses a negative or non-finite repeat, naming it', () => {
    expect(() => compareRule(p99, baseline, [1000, Number.NaN, 1000])).toThrow(/current p99 of repeat 2 is NaN, expected a finite number >= 0/);
  });

  it('is repeatable: the same inputs and seed give the same interval', () => {
    const a = compareRule(p99, baseline, [1100, 1180, 1050]);
    expect(compareRule(p99, baseline, [1100, 1180, 1050])).toEqual(a);
  });
});

describe('gate over several rules', () => {
  const run = (p99: number, throughput: number): GateSample => ({ p99, throughput, error_rate: 0 });

  it('takes the worst verdict and fails only on a regression', () => {
    const base = [run(1000, 500), run(1010, 505), run(990, 498)];
    const report = gate(base, [run(1300, 500), run(1320, 503), run(1290, 499)], ['p99 may rise at most 10%', 'throughput may drop at most 5%']);
    expect(report.rules.map((r) => r.verdict)).toEqual(['regressed', 'no change']);
    expect(report).toMatchObject({ verdict: 'regressed', passed: false });
    const same = gate(base, [run(1005, 502), run(995, 500), run(1000, 501)], ['p99 may rise at most 10%', 'throughput may drop at most 5%']);
    expect(same).toMatchObject({ verdict: 'no change', passed: true });
  });

  it('takes its samples from results.json totals', () => {
    const sample = gateSampleOf({
      totals: { requests: 10, ok: 9, error_rate: 0.1, throughput_rps: 50, histogram: '', latency_us: { count: 9, min: 1, mean: 5, p50: 4, p90: 8, p99: 9, p999: 10, max: 10 } },
    });
    expect(sample).toEqual({ p50: 4, p90: 8, p99: 9, p999: 10, mean: 5, throughput: 50, error_rate: 0.1 });
  });
});

describe('the decision rule on simulated CI noise (200 seeded gates each)', () => {
  it('(a) with no real change, says regressed at most 1 time in 20 at 5-10% noise', () => {
    for (const noiseCv of [0.05, 0.1]) {
      for (const repeats of [3, 5]) {
        const c = simulateGates({ noiseCv, repeats, rise: 0, simulations: 200, seed: 11 });
        expect(c.regressed / c.simulations, `cv ${noiseCv}, ${repeats} repeats`).toBeLessThanOrEqual(0.05);
        expect(c.improved / c.simulations, `cv ${noiseCv}, ${repeats} repeats`).toBeLessThanOrEqual(0.05);
        expect(c['no change'] + c.inconclusive + c.improved + c.regressed).toBe(200);
      }
    }
  });

  it('(b) flags a real 25% p99 rise at 5% noise with 3 or 5 repeats, and at 7.5% noise with 5', () => {
    for (const [noiseCv, repeats, floor] of [[0.05, 3, 0.95], [0.05, 5, 0.95], [0.075, 5, 0.9]] as const) {
      const c = simulateGates({ noiseCv, repeats, rise: 0.25, simulations: 200, seed: 12 });
      expect(c.regressed / c.simulations, `cv ${noiseCv}, ${repeats} repeats`).toBeGreaterThanOrEqual(floor);
      expect(c['no change']).toBe(0);
    }
  });

  it('minimum detectable regression shrinks with more repeats and grows with noise', () => {
    const quiet3 = minimumDetectableRegression(0.05, 3, { simulations: 200 });
    const quiet5 = minimumDetectableRegression(0.05, 5, { simulations: 200 });
    const noisy3 = minimumDetectableRegression(0.1, 3, { simulations: 200 });
    const noisy5 = minimumDetectableRegression(0.1, 5, { simulations: 200 });
    for (const m of [quiet3, quiet5, noisy3, noisy5]) {
      expect(m.rise).not.toBeNull();
      expect(m.rise!).toBeGreaterThan(0.1); // never below the tolerance: a rise within it is allowed
      expect(m.detectionRate).toBeGreaterThanOrEqual(0.95);
    }
    expect(quiet5.rise!).toBeLessThan(quiet3.rise!);
    expect(noisy5.rise!).toBeLessThan(noisy3.rise!);
    expect(quiet3.rise!).toBeLessThan(noisy3.rise!);
    // A fresh seed confirms the detection at that rise (a little slack for the new draw).
    const check = simulateGates({ noiseCv: 0.1, repeats: 5, rise: noisy5.rise!, simulations: 200, seed: 99 });
    expect(check.regressed / check.simulations).toBeGreaterThanOrEqual(0.9);
  });
});
