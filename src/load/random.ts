// Seeded pseudo-random numbers: payloads, malformed picks and misbehaviour shares must repeat run to run.

/** mulberry32 (one implementation for the harness, in analyze/random.ts): returns [0, 1). */
export { mulberry32 as seededRandom } from '../analyze/random.ts';

/** A seed for the n-th stream derived from one scenario seed (golden-ratio stride keeps streams apart). */
export function deriveSeed(seed: number, stream: number): number {
  return (seed + Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
}
