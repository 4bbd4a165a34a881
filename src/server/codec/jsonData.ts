// JSON tensor data <-> flat typed arrays. Flat arrays (the common case) take one tight loop per
// datatype with no per-element allocation except BigInt; nested arrays recurse per level, never per element.
import { serveError } from '../errors.ts';
import { describeJson } from './body.ts';
import { fromHalfBits, toHalfBits } from './fp16.ts';
import { freshTensorData, type Datatype, type Tensor, type TensorAllocator, type TensorData } from './tensor.ts';

/** Nesting deeper than any sane shape is refused before it can exhaust the stack. */
const MAX_DEPTH = 32;

export interface JsonDataOptions {
  /** Field path for messages, e.g. `inputs[0].data`. */
  field: string;
  /** Accept the strings "NaN", "Infinity", "-Infinity" in float data (JSON has no literal for them). */
  allowNonFinite: boolean;
}

/**
 * Counts the scalars of flat or row-major nested data without allocating, so a shape/data
 * mismatch is found before a tensor is sized. Each level holds only arrays or only scalars.
 */
export function countJsonElements(data: unknown[], field: string, depth = 0): number {
  if (data.length === 0 || !Array.isArray(data[0])) return data.length;
  if (depth >= MAX_DEPTH) throw serveError('SB_ERR_SHAPE_MISMATCH', `${field}: nested deeper than ${MAX_DEPTH} levels`);
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const row: unknown = data[i];
    if (!Array.isArray(row)) {
      throw serveError('SB_ERR_SHAPE_MISMATCH', `${field}: ragged nesting, row ${i} is ${describeJson(row)} where its siblings are arrays`);
    }
    count += countJsonElements(row, field, depth + 1);
  }
  return count;
}

type LeafWriter = (leaf: unknown[], out: TensorData, offset: number) => void;

const INT_RANGE: Partial<Record<Datatype, [number, number]>> = {
  UINT8: [0, 255],
  INT8: [-128, 127],
  UINT16: [0, 65535],
  INT16: [-32768, 32767],
  UINT32: [0, 4294967295],
  INT32: [-2147483648, 2147483647],
  // 64-bit integers arrive as JSON numbers, exact only up to 2^53; larger ones need binary data.
  INT64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
};

function badElement(field: string, index: number, expected: string, value: unknown): never {
  throw serveError('SB_ERR_DATATYPE', `${field} element ${index}: expected ${expected}, got ${describeJson(value)}`);
}

/** A non-number where a float belongs: the non-finite spellings, or a wrong element type. */
function nonNumberFloat(value: unknown, index: number, datatype: Datatype, opts: JsonDataOptions): number {
  const nonFinite = value === 'NaN' ? NaN : value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : undefined;
  if (nonFinite !== undefined && opts.allowNonFinite) return nonFinite;
  if (nonFinite !== undefined || value === null) {
    // JSON.stringify writes NaN and ±Infinity as null, so null here is almost always a lost NaN.
    const why = value === null ? 'null (JSON.stringify writes NaN/Infinity as null)' : describeJson(value);
    if (!opts.allowNonFinite) {
      throw serveError('SB_ERR_NON_FINITE', `${opts.field} element ${index}: ${why} is not a finite number; this model refuses NaN/Infinity`);
    }
    return badElement(opts.field, index, `a number or "NaN"/"Infinity"/"-Infinity" for ${datatype}`, value);
  }
  return badElement(opts.field, index, `a number for ${datatype}`, value);
}

function leafWriter(datatype: Datatype, opts: JsonDataOptions): LeafWriter {
  const { field } = opts;
  switch (datatype) {
    case 'FP32':
    case 'FP64':
      return (leaf, out, offset) => {
        const floats = out as Float32Array | Float64Array;
        for (let i = 0; i < leaf.length; i++) {
          const v = leaf[i];
          floats[offset + i] = typeof v === 'number' ? v : nonNumberFloat(v, offset + i, datatype, opts);
        }
      };
    case 'FP16':
      return (leaf, out, offset) => {
        const halves = out as Uint16Array;
        for (let i = 0; i < leaf.length; i++) {
          const v = leaf[i];
          halves[offset + i] = toHalfBits(typeof v === 'number' ? v : nonNumberFloat(v, offset + i, datatype, opts));
        }
      };
    case 'BOOL':
      return (leaf, out, offset) => {
        for (let i = 0; i < leaf.length; i++) {
          const v = leaf[i];
          out[offset + i] = v === true ? 1 : v === false ? 0 : badElement(field, offset + i, 'true or false for BOOL', v);
        }
      };
    case 'INT64':
    case 'UINT64': {
      const [min, max] = INT_RANGE[datatype]!;
      const expected = `an integer in [${min}, ${max}] for ${datatype} (send binary data beyond 2^53)`;
      return (leaf, out, offset) => {
        const bigs = out as BigInt64Array | BigUint64Array;
        for (let i = 0; i < leaf.length; i++) {
          const v = leaf[i];
          if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) badElement(field, offset + i, expected, v);
          bigs[offset + i] = BigInt(v);
        }
      };
    }
    default: {
      const [min, max] = INT_RANGE[datatype]!;
      const expected = `an integer in [${min}, ${max}] for ${datatype}`;
      return (leaf, out, offset) => {
        const ints = out as Exclude<TensorData, BigInt64Array | BigUint64Array>;
        for (let i = 0; i < leaf.length; i++) {
          const v = leaf[i];
          if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) badElement(field, offset + i, expected, v);
          ints[offset + i] = v as number;
        }
      };
    }
  }
}

/**
 * Writes flat or nested JSON data into a fresh typed array of `count` elements.
 * The caller has checked `countJsonElements(data) === count`. Finiteness is checked separately
 * (validate.checkFinite) because a finite JSON number can still overflow FP32/FP16.
 */
export function fillFromJson(data: unknown[], datatype: Datatype, count: number, opts: JsonDataOptions, allocate: TensorAllocator = freshTensorData): TensorData {
  const out = allocate(datatype, count);
  const write = leafWriter(datatype, opts);
  const walk = (level: unknown[], offset: number): number => {
    if (level.length === 0 || !Array.isArray(level[0])) {
      write(level, out, offset);
      return offset + level.length;
    }
    for (let i = 0; i < level.length; i++) offset = walk(level[i] as unknown[], offset);
    return offset;
  };
  walk(data, 0);
  return out;
}

/** Flat JSON values of a tensor: BOOL as booleans, FP16 decoded, 64-bit integers as numbers when exact. */
export function toJsonValues(tensor: Tensor): (number | boolean | string)[] {
  const { data, datatype } = tensor;
  const out = new Array<number | boolean | string>(data.length);
  switch (datatype) {
    case 'BOOL':
      for (let i = 0; i < data.length; i++) out[i] = data[i] !== 0;
      break;
    case 'INT64':
    case 'UINT64':
      for (let i = 0; i < data.length; i++) {
        const v = data[i] as bigint;
        // Past 2^53 a JSON number would silently change the value; a decimal string keeps it.
        out[i] = v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString();
      }
      break;
    case 'FP16':
      for (let i = 0; i < data.length; i++) out[i] = finiteOrName(fromHalfBits(data[i] as number));
      break;
    case 'FP32':
    case 'FP64':
      for (let i = 0; i < data.length; i++) out[i] = finiteOrName(data[i] as number);
      break;
    default:
      for (let i = 0; i < data.length; i++) out[i] = data[i] as number;
  }
  return out;
}

/** The same spellings the decoder accepts, so a NaN output can be fed back as an input. */
function finiteOrName(v: number): number | string {
  return v - v === 0 ? v : String(v);
}
