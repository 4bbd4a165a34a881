// Seeded pseudo-random numbers: payloads, malformed picks and misbehaviour shares must repeat run to run.

/** mulberry32: a tiny 32-bit generator, plenty for test data (not for cryptography). Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed for the n-th stream derived from one scenario seed (golden-ratio stride keeps streams apart). */
export function deriveSeed(seed: number, stream: number): number {
  return (seed + Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
}
