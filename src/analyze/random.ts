// Seeded pseudo-random numbers, so that every bootstrap and simulation is repeatable.

/** Uniform [0, 1) from a 32-bit seed: mulberry32 (Tommy Ettinger), fast and good enough for resampling. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws by the Box–Muller transform over a uniform source. */
export function normalSource(uniform: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/**
 * Multiplicative noise with a given coefficient of variation: lognormal with mean 1, so that
 * `value * draw()` has relative spread `cv` (sigma of the log = sqrt(ln(1 + cv^2))).
 */
export function lognormalNoise(cv: number, normal: () => number): () => number {
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  return () => Math.exp(sigma * normal() - (sigma * sigma) / 2);
}
