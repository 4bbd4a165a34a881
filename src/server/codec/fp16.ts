// IEEE 754 binary16 ("half") conversion for FP16 tensors, which travel as raw 16-bit words.
// Converts from the JSON double directly (not via float32) so there is one rounding, not two.

const scratch = new DataView(new ArrayBuffer(8));

const HALF_MIN_NORMAL = 2 ** -14;
/** Half-way between the largest half (65504) and 2^16: from here round-to-nearest-even gives infinity. */
const HALF_OVERFLOW = 65520;

/** Round half to even, for a non-negative value below 2^31. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const frac = x - floor;
  if (frac > 0.5 || (frac === 0.5 && (floor & 1) === 1)) return floor + 1;
  return floor;
}

/** The binary16 bit pattern nearest to `value` (round to nearest, ties to even); NaN becomes a quiet NaN. */
export function toHalfBits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  scratch.setFloat64(0, value);
  const hi = scratch.getUint32(0);
  const sign = (hi >>> 16) & 0x8000;
  const abs = Math.abs(value);
  if (abs >= HALF_OVERFLOW) return sign | 0x7c00;
  // Subnormal halves count in units of 2^-24; scaling by a power of two is exact in doubles.
  if (abs < HALF_MIN_NORMAL) return sign | roundHalfEven(abs * 2 ** 24);
  const exponent = ((hi >>> 20) & 0x7ff) - 1023; // -14..15 here
  const significand = roundHalfEven(abs * 2 ** (10 - exponent)); // 1024..2048
  // Adding (not OR-ing) lets a significand that rounded up to 2048 carry into the exponent.
  return sign | (((exponent + 14) << 10) + significand);
}

/** The number a binary16 bit pattern stands for. */
export function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

/** True when the half bit pattern is NaN or ±Infinity (exponent all ones). */
export function isHalfNonFinite(bits: number): boolean {
  return (bits & 0x7c00) === 0x7c00;
}
