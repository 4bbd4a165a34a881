// Random, valid tensor data for a KServe datatype, and its two wire forms: JSON values and
// Triton's binary tensor extension (little-endian raw bytes; BYTES as 4-byte length + bytes).
import { ServebenchError } from '../contract/errors.ts';

export const KSERVE_DATATYPES = ['BOOL', 'UINT8', 'INT8', 'UINT16', 'INT16', 'UINT32', 'INT32', 'UINT64', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'] as const;
export type KserveDatatype = (typeof KSERVE_DATATYPES)[number];

/** One tensor's values: numbers for every numeric type (FP16 as its float value), strings for BYTES. */
export type Values = number[] | string[];

export function isDatatype(value: string): value is KserveDatatype {
  return (KSERVE_DATATYPES as readonly string[]).includes(value);
}

/**
 * `count` values drawn from `random` ([0,1)). Floats are multiples of 1/256 in [-1, 1): exact in
 * FP16/FP32/FP64, so the JSON and binary forms of a variant carry identical values; integers stay
 * small and in range of every type; BYTES are short ASCII words.
 */
export function randomValues(datatype: KserveDatatype, count: number, random: () => number): Values {
  const ints = (lo: number, hi: number) => Array.from({ length: count }, () => lo + Math.floor(random() * (hi - lo)));
  switch (datatype) {
    case 'BOOL':
      return ints(0, 2);
    case 'UINT8':
      return ints(0, 256);
    case 'INT8':
      return ints(-128, 128);
    case 'UINT16':
    case 'UINT32':
    case 'UINT64':
      return ints(0, 1000);
    case 'INT16':
    case 'INT32':
    case 'INT64':
      return ints(-1000, 1000);
    case 'FP16':
    case 'FP32':
    case 'FP64':
      return ints(-256, 256).map((n) => n / 256);
    case 'BYTES':
      return Array.from({ length: count }, () => `w${Math.floor(random() * 1e6).toString(36)}`);
  }
}

/** The value as KServe JSON writes it (BOOL as true/false). */
export function jsonValues(datatype: KserveDatatype, values: Values): unknown[] {
  return datatype === 'BOOL' ? (values as number[]).map((v) => v !== 0) : values;
}

/** IEEE 754 half from a double, round-to-nearest-even (exact for our 1/256 grid in [-1, 1)). */
export function toHalfBits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  let mantissa = bits & 0x7fffff;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa = (mantissa | 0x800000) >>> (1 - exponent);
    return sign | ((mantissa + 0x1000) >>> 13);
  }
  if (exponent >= 31) return sign | 0x7c00;
  return sign | ((exponent << 10) + ((mantissa + 0x1000) >>> 13));
}

/** The little-endian bytes of the values (Triton binary extension). */
export function binaryValues(datatype: KserveDatatype, values: Values): Buffer {
  const nums = values as number[];
  switch (datatype) {
    case 'BOOL':
    case 'UINT8':
      return Buffer.from(Uint8Array.from(nums));
    case 'INT8':
      return Buffer.from(Int8Array.from(nums).buffer);
    case 'UINT16':
      return Buffer.from(Uint16Array.from(nums).buffer);
    case 'INT16':
      return Buffer.from(Int16Array.from(nums).buffer);
    case 'UINT32':
      return Buffer.from(Uint32Array.from(nums).buffer);
    case 'INT32':
      return Buffer.from(Int32Array.from(nums).buffer);
    case 'UINT64':
      return Buffer.from(BigUint64Array.from(nums, (n) => BigInt(n)).buffer);
    case 'INT64':
      return Buffer.from(BigInt64Array.from(nums, (n) => BigInt(n)).buffer);
    case 'FP16':
      return Buffer.from(Uint16Array.from(nums, toHalfBits).buffer);
    case 'FP32':
      return Buffer.from(Float32Array.from(nums).buffer);
    case 'FP64':
      return Buffer.from(Float64Array.from(nums).buffer);
    case 'BYTES':
      return Buffer.concat(
        (values as string[]).flatMap((s) => {
          const bytes = Buffer.from(s, 'utf8');
          const length = Buffer.alloc(4);
          length.writeUInt32LE(bytes.length);
          return [length, bytes];
        }),
      );
  }
}

export function requireDatatype(value: string, where: string): KserveDatatype {
  if (!isDatatype(value)) throw new ServebenchError('SB_ERR_MODEL_METADATA', `${where}: datatype ${JSON.stringify(value)} is not a KServe v2 datatype (${KSERVE_DATATYPES.join(', ')})`);
  return value;
}
