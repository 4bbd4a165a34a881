// Small helpers to write ONNX graphs by hand with onnx-proto, so the repository's models are
// generated from code (reviewable, reproducible) instead of committed as opaque exports.
// Everything is deterministic: a seeded PRNG for weights, fixed producer fields, no timestamps.
import onnxproto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { mulberry32 } from '../../src/analyze/random.ts';

const { onnx } = onnxproto;
export { onnx };
type IValueInfoProto = OnnxTypes.IValueInfoProto;
type ITensorProto = OnnxTypes.ITensorProto;
type IAttributeProto = OnnxTypes.IAttributeProto;
type INodeProto = OnnxTypes.INodeProto;

export const OPSET = 17;
export const IR_VERSION = 8;
export const PRODUCER_NAME = 'servebench';
export const PRODUCER_VERSION = '1';

/** ONNX element types (TensorProto.DataType) for the datatypes servebench serves. */
export const Elem = {
  FLOAT: onnx.TensorProto.DataType.FLOAT,
  DOUBLE: onnx.TensorProto.DataType.DOUBLE,
  FLOAT16: onnx.TensorProto.DataType.FLOAT16,
  UINT8: onnx.TensorProto.DataType.UINT8,
  INT8: onnx.TensorProto.DataType.INT8,
  UINT16: onnx.TensorProto.DataType.UINT16,
  INT16: onnx.TensorProto.DataType.INT16,
  UINT32: onnx.TensorProto.DataType.UINT32,
  INT32: onnx.TensorProto.DataType.INT32,
  UINT64: onnx.TensorProto.DataType.UINT64,
  INT64: onnx.TensorProto.DataType.INT64,
  BOOL: onnx.TensorProto.DataType.BOOL,
} as const;
export type ElemType = (typeof Elem)[keyof typeof Elem];

/** A dimension: a fixed size, or a symbolic name (dim_param) such as 'batch'. */
export type Dim = number | string;

// ---- Deterministic random numbers -------------------------------------------------------------

/** mulberry32, shared with the harness: same seed, same stream on every platform. Returns [0, 1). */
export { mulberry32 };

/** Standard normal sample by Box–Muller (one of the pair; simplicity over speed). */
export function gaussian(rng: () => number): number {
  const u = 1 - rng(); // (0, 1], so log is finite
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** He (Kaiming) normal init, std = sqrt(2 / fanIn): keeps activations alive through ReLU stacks. */
export function heNormal(rng: () => number, fanIn: number, count: number): Float32Array {
  const std = Math.sqrt(2 / fanIn);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = gaussian(rng) * std;
  return out;
}

/** Xavier (Glorot) uniform init, limit = sqrt(6 / (fanIn + fanOut)): for the final linear layer. */
export function xavierUniform(rng: () => number, fanIn: number, fanOut: number, count: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (rng() * 2 - 1) * limit;
  return out;
}

// ---- Protobuf pieces --------------------------------------------------------------------------

/** A graph input/output declaration. */
export function valueInfo(name: string, elemType: ElemType, shape: readonly Dim[]): IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

type InitializerData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** Little-endian bytes of a typed array (ONNX raw_data is little-endian whatever the host). */
function leBytes(data: InitializerData): Uint8Array {
  if (data instanceof Uint8Array) return Uint8Array.from(data);
  const out = new Uint8Array(data.length * data.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  if (data instanceof Float32Array) data.forEach((x, i) => view.setFloat32(i * 4, x, true));
  else if (data instanceof Float64Array) data.forEach((x, i) => view.setFloat64(i * 8, x, true));
  else if (data instanceof Int32Array) data.forEach((x, i) => view.setInt32(i * 4, x, true));
  else data.forEach((x, i) => view.setBigInt64(i * 8, x, true));
  return out;
}

function elemOf(data: InitializerData): ElemType {
  if (data instanceof Float32Array) return Elem.FLOAT;
  if (data instanceof Float64Array) return Elem.DOUBLE;
  if (data instanceof Int32Array) return Elem.INT32;
  if (data instanceof BigInt64Array) return Elem.INT64;
  return Elem.UINT8;
}

/** A constant tensor (weights, shapes, normalisation constants) stored as raw_data. */
export function initializer(name: string, dims: readonly number[], data: InitializerData): ITensorProto {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) throw new Error(`initializer ${name}: ${data.length} values for dims [${dims.join(',')}]`);
  return { name, dims: [...dims], dataType: elemOf(data), rawData: leBytes(data) };
}

/** Typed attribute values; ONNX distinguishes INT from FLOAT, so the caller says which. */
export type AttrValue =
  | { int: number }
  | { float: number }
  | { ints: number[] }
  | { floats: number[] }
  | { string: string };

export const attr = {
  int: (v: number): AttrValue => ({ int: v }),
  float: (v: number): AttrValue => ({ float: v }),
  ints: (v: number[]): AttrValue => ({ ints: v }),
  floats: (v: number[]): AttrValue => ({ floats: v }),
  string: (v: string): AttrValue => ({ string: v }),
};

function attribute(name: string, value: AttrValue): IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if ('int' in value) return { name, type: T.INT, i: value.int };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: T.INTS, ints: value.ints };
  if ('floats' in value) return { name, type: T.FLOATS, floats: value.floats };
  return { name, type: T.STRING, s: new TextEncoder().encode(value.string) };
}

export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, AttrValue> = {},
  name = `${opType}_${outputs[0]}`,
): INodeProto {
  return {
    name,
    opType,
    input: inputs,
    output: outputs,
    attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
  };
}

export interface GraphSpec {
  name: string;
  nodes: INodeProto[];
  inputs: IValueInfoProto[];
  outputs: IValueInfoProto[];
  initializers?: ITensorProto[];
  docString?: string;
}

/** Encodes a complete model (opset 17, IR 8) to bytes. */
export function encodeModel(graph: GraphSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: PRODUCER_NAME,
    producerVersion: PRODUCER_VERSION,
    docString: graph.docString ?? '',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: graph.name,
      node: graph.nodes,
      input: graph.inputs,
      output: graph.outputs,
      initializer: graph.initializers ?? [],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

// ---- Layer-level builder ----------------------------------------------------------------------

/**
 * Accumulates nodes and initializers with unique names; layer methods return the output tensor
 * name so a network reads top to bottom: `x = g.relu(g.conv(x, 3, 16, 3))`.
 */
export class GraphBuilder {
  readonly nodes: INodeProto[] = [];
  readonly initializers: ITensorProto[] = [];
  private readonly rng: () => number;
  private counter = 0;

  constructor(seed: number) {
    this.rng = mulberry32(seed);
  }

  /** A fresh tensor name such as `conv_3`. */
  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  constant(prefix: string, dims: number[], data: InitializerData): string {
    const name = this.fresh(prefix);
    this.initializers.push(initializer(name, dims, data));
    return name;
  }

  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output = this.fresh(opType.toLowerCase())): string {
    this.nodes.push(node(opType, inputs, [output], attrs));
    return output;
  }

  /** Fully connected layer y = x·Wᵀ + b (Gemm with transB, the PyTorch Linear layout). */
  dense(x: string, inFeatures: number, outFeatures: number, opts: { init?: 'he' | 'xavier'; output?: string } = {}): string {
    const count = inFeatures * outFeatures;
    const w =
      opts.init === 'xavier'
        ? xavierUniform(this.rng, inFeatures, outFeatures, count)
        : heNormal(this.rng, inFeatures, count);
    const W = this.constant('W', [outFeatures, inFeatures], w);
    const B = this.constant('B', [outFeatures], new Float32Array(outFeatures));
    return this.op('Gemm', [x, W, B], { transB: attr.int(1) }, opts.output);
  }

  /** 2-D convolution, square kernel, stride 1, 'same' padding for odd kernels. */
  conv(x: string, inChannels: number, outChannels: number, kernel: number): string {
    const fanIn = inChannels * kernel * kernel;
    const W = this.constant('W', [outChannels, inChannels, kernel, kernel], heNormal(this.rng, fanIn, outChannels * fanIn));
    const B = this.constant('B', [outChannels], new Float32Array(outChannels));
    const pad = (kernel - 1) / 2;
    return this.op('Conv', [x, W, B], {
      kernel_shape: attr.ints([kernel, kernel]),
      pads: attr.ints([pad, pad, pad, pad]),
      strides: attr.ints([1, 1]),
    });
  }

  relu(x: string): string {
    return this.op('Relu', [x]);
  }

  maxPool2(x: string): string {
    return this.op('MaxPool', [x], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) });
  }

  globalAveragePool(x: string): string {
    return this.op('GlobalAveragePool', [x]);
  }

  flatten(x: string): string {
    return this.op('Flatten', [x], { axis: attr.int(1) });
  }

  /** Encodes the accumulated graph with the given boundary. */
  build(spec: Omit<GraphSpec, 'nodes' | 'initializers'>): Uint8Array {
    return encodeModel({ ...spec, nodes: this.nodes, initializers: this.initializers });
  }
}
