// Synthetic capacity surfaces for testing search strategies: deterministic functions of the knobs,
// plus seeded multiplicative noise per measurement.
import { lognormalNoise, mulberry32, normalSource } from '../../src/analyze/random.ts';
import type { SearchSpace, Trial } from '../../src/tune/search/space.ts';
import type { ServingConfig } from '../../src/serving/knobs.ts';

/** The realistic grid of the tuning issue: 3 x 5 x 4 = 60 configurations. */
export const REALISTIC_SPACE: SearchSpace = {
  knobs: { workers: [1, 2, 4], max_batch_size: [1, 4, 8, 16, 32], max_batch_delay_us: [0, 500, 2000, 5000] },
};

/** Two cores: a third and fourth worker only contend. */
function parallelism(workers: number): number {
  return workers <= 2 ? workers : 2 - 0.15 * (workers - 2);
}

/** Batches fill more with a longer delay (30% full at no delay). */
function effectiveBatch(c: ServingConfig): number {
  const b = Math.max(1, c.max_batch_size);
  const fill = b === 1 ? 1 : 0.3 + 0.7 * (1 - Math.exp(-c.max_batch_delay_us / 1500));
  return 1 + (b - 1) * fill;
}

/**
 * mlp-like: a cheap model where batching amortises a fixed per-batch cost; p99 grows with the delay
 * and the batch's service time, and the SLO (20 ms) trims capacity smoothly as p99 nears it.
 * One broad optimum (2 workers, batch 32, delay 0.5 ms: 11.1k rps, 11.3x the default) with a
 * plateau beside it (delay 2 ms: -1%; batch 16 delay 2 ms: -8%) and 4 workers ~15% below 2.
 */
export function mlpSurface(c: ServingConfig): { capacityRps: number; p99Us: number } {
  const beff = effectiveBatch(c);
  const serviceMs = 0.9 + 0.12 * beff;
  const raw = (parallelism(c.workers) * beff * 1000) / serviceMs;
  const p99Ms = c.max_batch_delay_us / 1000 + 2.5 * serviceMs + 1;
  const slo = 20;
  const trim = 1 / (1 + (p99Ms / slo) ** 4);
  return { capacityRps: raw * trim, p99Us: Math.min(p99Ms, slo) * 1000 };
}

/** cnn-like: compute-bound, so capacity is flat in batch size and delay; p99 only rises with the delay. */
export function cnnSurface(c: ServingConfig): { capacityRps: number; p99Us: number } {
  return { capacityRps: parallelism(c.workers) * 160, p99Us: (26 + c.max_batch_delay_us / 1000) * 1000 };
}

/** A measuring function over a surface with seeded lognormal noise of the given coefficient of variation. */
export function noisyMeasure(surface: (c: ServingConfig) => { capacityRps: number; p99Us: number }, noiseCv: number, seed: number) {
  const noise = lognormalNoise(noiseCv, normalSource(mulberry32(seed)));
  return (config: ServingConfig): Trial => {
    const truth = surface(config);
    return { config, capacityRps: truth.capacityRps * noise(), p99Us: truth.p99Us * noise() };
  };
}
