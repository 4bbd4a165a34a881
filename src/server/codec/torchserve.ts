// TorchServe-style `POST /predictions/{name}` for single-input models: the body is one or more
// samples as JSON numbers, base64 or raw bytes, read per the model's `preprocess` spec.
//
// Accepted bodies (content-type decides; missing = JSON):
//   application/json          [..] flat or nested numbers | "base64" | {"data": [..] or "base64"} | {"instances": [sample, ...]}
//   text/plain                base64 of the raw bytes (whitespace and line breaks allowed)
//   application/octet-stream  the raw bytes
// Raw bytes and base64 are uint8 values or little-endian float32 per `preprocess.encoding`.
import { serveError } from '../errors.ts';
import type { InferRequest, InferResult } from '../inference.ts';
import type { ModelConfig, PostprocessSpec, PreprocessSpec, TensorSpec } from '../repository/modelConfig.ts';
import { decodeBase64Strict } from './base64.ts';
import { describeJson, isPlainObject, parseJsonBytes, parseMediaType, requireUtf8 } from './body.ts';
import { softmax, topK } from './classify.ts';
import { countJsonElements, fillFromJson, toJsonValues } from './jsonData.ts';
import type { DecodeContext } from './kserve.ts';
import { elementCount, type Tensor, type TensorData } from './tensor.ts';
import { checkFinite, formatShape } from './validate.ts';

type Payload =
  | { kind: 'bytes'; bytes: Uint8Array }
  /** `samples` is set for {"instances": [...]}, whose length is the batch. */
  | { kind: 'json'; data: unknown[]; field: string; samples?: number };

function badRequest(message: string): never {
  throw serveError('SB_ERR_BAD_REQUEST', message);
}

/** The model's one input, which must have fixed dims and a datatype this endpoint can fill. */
function servedInput(model: ModelConfig): { spec: TensorSpec; encoding: PreprocessSpec['encoding'] } {
  const v2 = `use /v2/models/${model.name}/infer`;
  if (model.input.length !== 1) badRequest(`model "${model.name}" has ${model.input.length} inputs; /predictions serves single-input models (${v2})`);
  const spec = model.input[0];
  if (spec.datatype !== 'FP32' && spec.datatype !== 'UINT8') {
    badRequest(`model "${model.name}" input "${spec.name}" is ${spec.datatype}; /predictions fills FP32 or UINT8 inputs (${v2})`);
  }
  if (spec.dims.some((d) => d < 1)) badRequest(`model "${model.name}" input "${spec.name}" has dynamic dims ${formatShape(spec.dims)}; /predictions needs fixed dims (${v2})`);
  // Without a preprocess spec the client sends values of the input's own type.
  const encoding = model.preprocess?.encoding ?? (spec.datatype === 'UINT8' ? 'uint8' : 'float32');
  if (spec.datatype === 'UINT8' && encoding !== 'uint8') badRequest(`model "${model.name}": UINT8 input "${spec.name}" needs preprocess.encoding uint8, config says ${encoding}`);
  return { spec, encoding };
}

function fromJson(json: unknown): Payload {
  if (Array.isArray(json)) return { kind: 'json', data: json, field: 'body' };
  if (typeof json === 'string') return { kind: 'bytes', bytes: decodeBase64Strict(json, 'body') };
  if (isPlainObject(json) && json.data !== undefined) {
    if (Array.isArray(json.data)) return { kind: 'json', data: json.data, field: 'data' };
    if (typeof json.data === 'string') return { kind: 'bytes', bytes: decodeBase64Strict(json.data, 'data') };
    badRequest(`data: expected an array of numbers or a base64 string, got ${describeJson(json.data)}`);
  }
  if (isPlainObject(json) && json.instances !== undefined) {
    const instances = json.instances;
    if (!Array.isArray(instances) || instances.length === 0) badRequest(`instances: expected a non-empty array of samples, got ${describeJson(instances)}`);
    return { kind: 'json', data: instances, field: 'instances', samples: instances.length };
  }
  const got = isPlainObject(json) ? `an object with keys [${Object.keys(json).slice(0, 8).join(', ')}]` : describeJson(json);
  return badRequest(`body: expected a JSON array of numbers, a base64 string, {"data": ...} or {"instances": [...]}, got ${got}`);
}

function readPayload(body: Buffer, contentType: string | undefined): Payload {
  const media = parseMediaType(contentType);
  switch (media?.essence ?? 'application/json') {
    case 'application/json':
      if (media !== undefined) requireUtf8(media, contentType!);
      return fromJson(parseJsonBytes(body, 0, body.length, 'body'));
    case 'text/plain':
      requireUtf8(media!, contentType!);
      return { kind: 'bytes', bytes: decodeBase64Strict(body.toString('latin1'), 'body (text/plain base64)') };
    case 'application/octet-stream':
      return { kind: 'bytes', bytes: body };
    default:
      throw serveError('SB_ERR_CONTENT_TYPE', `content-type: expected application/json, text/plain (base64) or application/octet-stream, got "${contentType}"`);
  }
}

/** Checks a count (of `unit`) is a whole number of samples, exactly one when the model does not batch; returns the batch. */
function batchOf(count: number, perSample: number, unit: string, sample: string, model: ModelConfig, field: string): number {
  const batching = model.max_batch_size > 0;
  if (count === 0 || count % perSample !== 0 || (!batching && count !== perSample)) {
    const expected = batching ? `a multiple of ${perSample} ${unit}` : `exactly ${perSample} ${unit}`;
    throw serveError('SB_ERR_SHAPE_MISMATCH', `${field}: expected ${expected} (${sample}), got ${count}`);
  }
  const batch = count / perSample;
  if (batching && batch > model.max_batch_size) {
    throw serveError('SB_ERR_BATCH_TOO_LARGE', `${field}: ${batch} samples exceed max_batch_size ${model.max_batch_size} of model "${model.name}"`);
  }
  return batch;
}

/** (x * scale - mean) / std into a fresh Float32Array; identity when the spec leaves them out. */
function normalise(values: Uint8Array | Float32Array, pre: PreprocessSpec | undefined): Float32Array {
  const scale = pre?.scale ?? 1;
  const mean = pre?.mean ?? 0;
  const std = pre?.std ?? 1;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] * scale - mean) / std;
  return out;
}

export function decodeTorchserve(body: Buffer, contentType: string | undefined, ctx: DecodeContext): InferRequest {
  const { model } = ctx;
  const { spec, encoding } = servedInput(model);
  const perSample = elementCount(spec.dims);
  const input = `input "${spec.name}" ${formatShape(spec.dims)}`;
  const payload = readPayload(body, contentType);
  let values: Uint8Array | Float32Array;
  let batch: number;
  if (payload.kind === 'bytes') {
    const width = encoding === 'float32' ? 4 : 1;
    batch = batchOf(payload.bytes.length, perSample * width, 'bytes', `${perSample} ${encoding} values per sample of ${input}`, model, 'body');
    // Copy into a fresh buffer: aligned for float32, and never a view into the request body.
    values = encoding === 'float32' ? new Float32Array(payload.bytes.length / 4) : new Uint8Array(payload.bytes.length);
    new Uint8Array(values.buffer).set(payload.bytes);
  } else {
    const count = countJsonElements(payload.data, payload.field);
    batch = batchOf(count, perSample, 'elements', `one sample of ${input}`, model, payload.field);
    if (payload.samples !== undefined && payload.samples !== batch) {
      throw serveError('SB_ERR_SHAPE_MISMATCH', `instances: expected one entry per sample (${perSample} elements each), got ${payload.samples} entries holding ${count} elements`);
    }
    const datatype = encoding === 'float32' ? 'FP32' : 'UINT8';
    values = fillFromJson(payload.data, datatype, count, { field: payload.field, allowNonFinite: model.allow_non_finite === true }) as Uint8Array | Float32Array;
  }
  if (values instanceof Float32Array) checkFinite(values, 'FP32', model, payload.kind === 'json' ? payload.field : 'body');
  // A UINT8 input (an in-model preprocessing pipeline) takes the bytes as they are.
  const data: TensorData = spec.datatype === 'UINT8' ? values : normalise(values, model.preprocess);
  const shape = model.max_batch_size > 0 ? [batch, ...spec.dims] : [...spec.dims];
  return { id: ctx.requestId, inputs: [{ name: spec.name, datatype: spec.datatype, shape, data }], batchSize: model.max_batch_size > 0 ? batch : 1 };
}

/** One sample's answer: top-k classes, softmax scores, or the raw output row. */
function answerRow(row: Tensor, post: PostprocessSpec | undefined): unknown {
  const values = toJsonValues(row);
  if (post === undefined || (post.softmax !== true && post.top_k === undefined)) return values;
  const numbers = values.map(Number);
  const scores = post.softmax === true ? softmax(numbers) : numbers;
  return post.top_k === undefined ? scores : topK(scores, post.top_k, post.labels);
}

/** One answer per sample from the model's first output; a batch of one answers that sample alone, like TorchServe. */
export function encodeTorchserve(result: InferResult, model: ModelConfig): unknown {
  const name = model.output[0]?.name;
  const tensor = result.outputs.find((t) => t.name === name) ?? result.outputs[0];
  if (tensor === undefined) throw serveError('SB_ERR_INTERNAL', `model "${model.name}" produced no output`);
  const batching = model.max_batch_size > 0;
  const batch = batching ? (tensor.shape[0] ?? 1) : 1;
  const rowLength = batch > 0 ? tensor.data.length / batch : 0;
  const rowShape = batching ? tensor.shape.slice(1) : tensor.shape;
  const rows: unknown[] = [];
  for (let r = 0; r < batch; r++) {
    const data = (tensor.data as Float32Array).subarray(r * rowLength, (r + 1) * rowLength) as TensorData;
    rows.push(answerRow({ ...tensor, shape: rowShape, data }, model.postprocess));
  }
  return batch === 1 ? rows[0] : rows;
}
