// binary16 conversion: exact on every half value, round-to-nearest-even between them.
import { describe, expect, it } from 'vitest';
import { fromHalfBits, isHalfNonFinite, toHalfBits } from '../../../src/server/codec/fp16.ts';

describe('toHalfBits / fromHalfBits', () => {
  it('round-trips every one of the 63,488 finite half values and both infinities', () => {
    let checked = 0;
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = fromHalfBits(bits);
      if (Number.isNaN(value)) continue;
      if (toHalfBits(value) !== bits) throw new Error(`bits ${bits.toString(16)} -> ${value} -> ${toHalfBits(value).toString(16)}`);
      checked++;
    }
    expect(checked).toBe(0x10000 - 2 * 1023); // all but the NaN patterns: 1023 payloads per sign
  });

  it('knows the landmarks', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(2 ** -24)).toBe(0x0001);
    expect(toHalfBits(2 ** -14)).toBe(0x0400);
    expect(toHalfBits(-0)).toBe(0x8000);
    expect(toHalfBits(0.1)).toBe(0x2e66);
  });

  it('rounds ties to even and overflows to infinity from 65520', () => {
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie between 1 and 1+2^-10: even is 1
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie: even is 1+2^-9
    expect(toHalfBits(1 + 2 ** -11 + 2 ** -30)).toBe(0x3c01); // just above the tie
    expect(toHalfBits(2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal
    expect(toHalfBits(3 * 2 ** -25)).toBe(2);
    expect(toHalfBits(65519.99)).toBe(0x7bff);
    expect(toHalfBits(65520)).toBe(0x7c00);
    expect(toHalfBits(-1e10)).toBe(0xfc00);
    expect(toHalfBits(2047.5 * 2 ** -10)).toBe(0x4000); // significand rounds up to 2048 and carries into the exponent
  });

  it('keeps NaN and infinities non-finite', () => {
    expect(isHalfNonFinite(toHalfBits(NaN))).toBe(true);
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
    expect(isHalfNonFinite(toHalfBits(Infinity))).toBe(true);
    expect(isHalfNonFinite(toHalfBits(65504))).toBe(false);
  });
});
