// Random tensor data: in range for its datatype, identical in its JSON and binary forms.
import { describe, expect, it } from 'vitest';
import { fromHalfBits } from '../../src/server/codec/fp16.ts';
import { seededRandom } from '../../src/load/random.ts';
import { binaryValues, jsonValues, KSERVE_DATATYPES, randomValues, toHalfBits } from '../../src/load/tensorData.ts';

const BYTES: Record<string, number> = { BOOL: 1, UINT8: 1, INT8: 1, UINT16: 2, INT16: 2, UINT32: 4, INT32: 4, UINT64: 8, INT64: 8, FP16: 2, FP32: 4, FP64: 8 };

describe('tensor data', () => {
  it.each(KSERVE_DATATYPES.filter((d) => d !== 'BYTES'))('%s: binary is count x element size, values decode back', (datatype) => {
    const values = randomValues(datatype, 100, seededRandom(1)) as number[];
    const bytes = binaryValues(datatype, values);
    expect(bytes.length).toBe(100 * BYTES[datatype]);
    expect(values.every(Number.isFinite)).toBe(true);
    const view = {
      BOOL: () => Array.from(new Uint8Array(bytes)),
      UINT8: () => Array.from(new Uint8Array(bytes)),
      INT8: () => Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, 100)),
      UINT16: () => Array.from({ length: 100 }, (_, i) => bytes.readUInt16LE(i * 2)),
      INT16: () => Array.from({ length: 100 }, (_, i) => bytes.readInt16LE(i * 2)),
      UINT32: () => Array.from({ length: 100 }, (_, i) => bytes.readUInt32LE(i * 4)),
      INT32: () => Array.from({ length: 100 }, (_, i) => bytes.readInt32LE(i * 4)),
      UINT64: () => Array.from({ length: 100 }, (_, i) => Number(bytes.readBigUInt64LE(i * 8))),
      INT64: () => Array.from({ length: 100 }, (_, i) => Number(bytes.readBigInt64LE(i * 8))),
      FP16: () => Array.from({ length: 100 }, (_, i) => fromHalfBits(bytes.readUInt16LE(i * 2))),
      FP32: () => Array.from({ length: 100 }, (_, i) => bytes.readFloatLE(i * 4)),
      FP64: () => Array.from({ length: 100 }, (_, i) => bytes.readDoubleLE(i * 8)),
    }[datatype];
    expect(view()).toEqual(values);
  });

  it('writes BOOL as JSON booleans and BYTES as length-prefixed strings', () => {
    expect(jsonValues('BOOL', [0, 1, 1])).toEqual([false, true, true]);
    expect(binaryValues('BYTES', ['ab', 'c'])).toEqual(Buffer.from([2, 0, 0, 0, 0x61, 0x62, 1, 0, 0, 0, 0x63]));
  });

  it('converts to half precision as the server reads it', () => {
    for (const value of [0, 1, -0.5, 1 / 256, -255 / 256, 0.333, 65504, 1e-7]) expect(fromHalfBits(toHalfBits(value))).toBeCloseTo(value, 3);
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(1e6)).toBe(0x7c00);
  });
});
