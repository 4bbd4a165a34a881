// How well does the gate's decision rule tell noise from a regression? Simulated repeats with
// lognormal noise of a given coefficient of variation, seeded, so the answer is repeatable.
import { compareRule, type GateOptions, type GateVerdict, type RelativeRule } from './gate.ts';
import { lognormalNoise, mulberry32, normalSource } from './random.ts';
import { ServebenchError } from '../contract/errors.ts';

export interface GateSimulationOptions {
  /** Relative spread between repeats (coefficient of variation), e.g. 0.1 for 10%. */
  noiseCv: number;
  /** Repeats per side. */
  repeats: number;
  /** True change of the metric: 0.25 = p99 25% higher in the current run. */
  rise: number;
  /** Allowed rise of the rule, default 0.10. */
  tolerance?: number;
  simulations?: number;
  seed?: number;
  gate?: GateOptions;
}

export type VerdictCounts = Record<GateVerdict, number> & { simulations: number };

function ruleFor(tolerance: number): RelativeRule {
  return { expression: `p99 may rise at most ${tolerance * 100}%`, metric: 'p99', direction: 'rise', tolerance, mode: 'relative' };
}

/**
 * Runs `simulations` gates on synthetic p99 repeats (1000 us baseline, current scaled by 1 + rise).
 * Gate i uses the same noise and bootstrap seed whatever the rise (common random numbers), so the
 * count of `regressed` can only grow with the rise.
 */
export function simulateGates(options: GateSimulationOptions): VerdictCounts {
  const { noiseCv, repeats, rise } = options;
  if (!(noiseCv >= 0) || !Number.isInteger(repeats) || repeats < 1) {
    throw new ServebenchError('SB_ERR_INVALID_INPUT', `simulateGates: expected noiseCv >= 0 and an integer repeats >= 1, got ${noiseCv} and ${repeats}`);
  }
  const simulations = options.simulations ?? 200;
  const seed = options.seed ?? 1;
  const rule = ruleFor(options.tolerance ?? 0.1);
  const counts: VerdictCounts = { regressed: 0, improved: 0, 'no change': 0, inconclusive: 0, simulations };
  for (let i = 0; i < simulations; i++) {
    const noise = lognormalNoise(noiseCv, normalSource(mulberry32(seed * 1_000_003 + i)));
    const baseline = Array.from({ length: repeats }, () => 1000 * noise());
    const current = Array.from({ length: repeats }, () => 1000 * (1 + rise) * noise());
    counts[compareRule(rule, baseline, current, { ...options.gate, seed: seed + i }).verdict]++;
  }
  return counts;
}

export interface DetectableRegression {
  /** Smallest true rise (fraction) flagged `regressed` in at least `detectionRate` of the simulations; null if none up to maxRise. */
  rise: number | null;
  /** The detection rate measured at that rise. */
  detectionRate: number;
  noiseCv: number;
  repeats: number;
}

/**
 * Smallest p99 rise the gate detects at least 95% of the time (by default) with this noise and
 * number of repeats, found by bisection on the simulated detection rate (monotone, see simulateGates).
 */
export function minimumDetectableRegression(
  noiseCv: number,
  repeats: number,
  options: { tolerance?: number; detectionRate?: number; simulations?: number; seed?: number; maxRise?: number; resolution?: number; gate?: GateOptions } = {},
): DetectableRegression {
  const target = options.detectionRate ?? 0.95;
  const maxRise = options.maxRise ?? 2;
  const resolution = options.resolution ?? 0.005;
  const rateAt = (rise: number): number => {
    const c = simulateGates({ noiseCv, repeats, rise, tolerance: options.tolerance, simulations: options.simulations ?? 200, seed: options.seed, gate: { resamples: 1000, ...options.gate } });
    return c.regressed / c.simulations;
  };
  const topRate = rateAt(maxRise);
  if (topRate < target) return { rise: null, detectionRate: topRate, noiseCv, repeats };
  let lo = options.tolerance ?? 0.1; // a rise within the tolerance must not be flagged: start there
  let hi = maxRise;
  let hiRate = topRate;
  while (hi - lo > resolution) {
    const mid = (lo + hi) / 2;
    const rate = rateAt(mid);
    if (rate >= target) [hi, hiRate] = [mid, rate];
    else lo = mid;
  }
  return { rise: Math.round(hi * 10_000) / 10_000, detectionRate: hiRate, noiseCv, repeats };
}
