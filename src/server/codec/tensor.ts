// Tensors as they travel inside the server: KServe v2 datatype names, flat typed-array data,
// row-major shape. The same object crosses to a worker thread with its buffer transferred.

export const DATATYPES = ['BOOL', 'UINT8', 'INT8', 'UINT16', 'INT16', 'UINT32', 'INT32', 'INT64', 'UINT64', 'FP16', 'FP32', 'FP64'] as const;
export type Datatype = (typeof DATATYPES)[number];

export type TensorData =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

export interface Tensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TensorData;
}

/**
 * Makes the typed array of `count` elements that a decoder then fills completely (its contents
 * may be stale). The server passes a recycling one (BufferPool); the default allocates fresh.
 */
export type TensorAllocator = (datatype: Datatype, count: number) => TensorData;

export const freshTensorData: TensorAllocator = (datatype, count) => DATATYPE_INFO[datatype].create(count);

interface DatatypeInfo {
  bytes: number;
  /** onnxruntime-node's name for the element type. */
  ort: string;
  create: (length: number) => TensorData;
  fromBuffer: (buffer: ArrayBuffer, byteOffset: number, length: number) => TensorData;
  isFloat: boolean;
  isBigInt: boolean;
}

function info(
  bytes: number,
  ort: string,
  ctor: { new (length: number): TensorData; new (buffer: ArrayBuffer, byteOffset: number, length: number): TensorData },
  isFloat = false,
  isBigInt = false,
): DatatypeInfo {
  return {
    bytes,
    ort,
    create: (length) => new ctor(length),
    fromBuffer: (buffer, byteOffset, length) => new ctor(buffer, byteOffset, length),
    isFloat,
    isBigInt,
  };
}

export const DATATYPE_INFO: Record<Datatype, DatatypeInfo> = {
  BOOL: info(1, 'bool', Uint8Array),
  UINT8: info(1, 'uint8', Uint8Array),
  INT8: info(1, 'int8', Int8Array),
  UINT16: info(2, 'uint16', Uint16Array),
  INT16: info(2, 'int16', Int16Array),
  UINT32: info(4, 'uint32', Uint32Array),
  INT32: info(4, 'int32', Int32Array),
  INT64: info(8, 'int64', BigInt64Array, false, true),
  UINT64: info(8, 'uint64', BigUint64Array, false, true),
  // FP16 travels as raw 16-bit words; onnxruntime-node accepts Uint16Array for float16.
  FP16: info(2, 'float16', Uint16Array, true),
  FP32: info(4, 'float32', Float32Array, true),
  FP64: info(8, 'float64', Float64Array, true),
};

const ORT_TO_DATATYPE: Record<string, Datatype> = Object.fromEntries(
  (Object.entries(DATATYPE_INFO) as [Datatype, DatatypeInfo][]).map(([dt, i]) => [i.ort, dt]),
);

export function isDatatype(value: unknown): value is Datatype {
  return typeof value === 'string' && (DATATYPES as readonly string[]).includes(value);
}

export function datatypeFromOrt(ortType: string): Datatype | undefined {
  return ORT_TO_DATATYPE[ortType];
}

/** Number of elements of a shape; the caller has already checked the dims are sane. */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
