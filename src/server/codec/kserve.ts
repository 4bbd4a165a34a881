// KServe v2 / Open Inference Protocol REST request decoding, with Triton's binary tensor extension.
// Decoding validates everything a client can get wrong and answers a ServeError (4xx) for it.
import { serveError } from '../errors.ts';
import type { InferRequest } from '../inference.ts';
import type { ModelConfig, TensorSpec } from '../repository/modelConfig.ts';
import { checkBinarySize, parseHeaderLength, readBinaryTensor } from './binaryExtension.ts';
import { describeJson, isPlainObject, parseJsonBytes, parseMediaType, requireUtf8 } from './body.ts';
import { countJsonElements, fillFromJson } from './jsonData.ts';
import { elementCount, isDatatype, type Tensor, type TensorAllocator } from './tensor.ts';
import { checkFinite, checkSameBatch, checkShapeAgainstSpec, checkShapeSanity, formatShape } from './validate.ts';

export { encodeKserveInfer, type KserveEncodeContext } from './kserveResponse.ts';

export interface DecodeContext {
  model: ModelConfig;
  /** The server's id for this request (logs, worker errors); the client's own `id` is echoed separately. */
  requestId: string;
  /** Where tensor buffers come from (the model's recycling pool); fresh ones when omitted. */
  allocate?: TensorAllocator;
}

export interface KserveDecoded {
  request: InferRequest;
  /** Outputs to answer as raw bytes after the JSON header. */
  binaryOutputs: Set<string>;
  /** The request's `id`, echoed in the response. */
  clientId?: string;
}

interface MatchedInput {
  entry: Record<string, unknown>;
  spec: TensorSpec;
  field: string;
}

function badRequest(message: string): never {
  throw serveError('SB_ERR_BAD_REQUEST', message);
}

function checkContentType(contentType: string | undefined, hasBinaryHeader: boolean): void {
  const media = parseMediaType(contentType);
  if (media === undefined) return;
  if (media.essence === 'application/json') return requireUtf8(media, contentType!);
  // A binary body without the header length cannot be split into JSON and tensor bytes.
  if (media.essence === 'application/octet-stream' && hasBinaryHeader) return;
  const hint = media.essence === 'application/octet-stream' ? ' (octet-stream needs an Inference-Header-Content-Length header)' : '';
  throw serveError(
    'SB_ERR_CONTENT_TYPE',
    `content-type: expected application/json, or application/octet-stream with Inference-Header-Content-Length, got "${contentType}"${hint}`,
  );
}

function optionalObject(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) badRequest(`${field}: expected an object, got ${describeJson(value)}`);
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  return badRequest(`${field}: expected true or false, got ${describeJson(value)}`);
}

/** Pairs request inputs with the model's specs by name; refuses malformed, duplicate, missing and unknown inputs. */
function matchInputs(inputs: unknown[], model: ModelConfig): MatchedInput[] {
  const specs = new Map(model.input.map((spec) => [spec.name, spec]));
  const seen = new Set<string>();
  const matched: MatchedInput[] = [];
  const unknown: string[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const entry = inputs[i];
    const field = `inputs[${i}]`;
    if (!isPlainObject(entry)) badRequest(`${field}: expected an object, got ${describeJson(entry)}`);
    const name = entry.name;
    if (typeof name !== 'string' || name === '') badRequest(`${field}.name: expected a non-empty string, got ${describeJson(name)}`);
    if (seen.has(name)) badRequest(`${field}.name: input "${name}" appears more than once`);
    seen.add(name);
    const spec = specs.get(name);
    if (spec === undefined) unknown.push(name);
    else matched.push({ entry, spec, field });
  }
  const expected = model.input.map((s) => `"${s.name}"`).join(', ');
  const missing = model.input.filter((spec) => !seen.has(spec.name)).map((s) => `"${s.name}"`);
  if (missing.length > 0) {
    const got = [...seen].map((n) => `"${n}"`).join(', ');
    throw serveError('SB_ERR_MISSING_INPUT', `inputs: model "${model.name}" needs ${missing.join(', ')} (expects ${expected}; got ${got})`);
  }
  if (unknown.length > 0) {
    throw serveError('SB_ERR_UNEXPECTED_INPUT', `inputs: model "${model.name}" has no input ${unknown.map((n) => `"${n}"`).join(', ')} (expects ${expected})`);
  }
  return matched;
}

/** Decodes one input's datatype, shape and data (JSON, or binary at `binary.offset`, which it advances). */
function decodeInput(input: MatchedInput, ctx: DecodeContext, body: Buffer, binary: { offset: number } | undefined): { tensor: Tensor; batch: number } {
  const { entry, spec, field } = input;
  const { model, allocate } = ctx;
  const datatype = entry.datatype;
  if (!isDatatype(datatype)) {
    throw serveError('SB_ERR_DATATYPE', `${field}.datatype: expected ${spec.datatype} for input "${spec.name}", got ${describeJson(datatype)}`);
  }
  if (datatype !== spec.datatype) {
    throw serveError('SB_ERR_DATATYPE', `${field}.datatype: expected ${spec.datatype} for input "${spec.name}", got ${datatype}`);
  }
  const shape = checkShapeSanity(entry.shape, `${field}.shape`);
  const batch = checkShapeAgainstSpec(shape, spec, model, `${field}.shape`);
  const count = elementCount(shape);
  const parameters = optionalObject(entry.parameters, `${field}.parameters`);
  if (parameters?.shared_memory_region !== undefined) badRequest(`${field}.parameters.shared_memory_region: shared memory is not supported`);
  const declared = parameters?.binary_data_size;
  let data;
  if (declared !== undefined) {
    if (binary === undefined) badRequest(`${field}.parameters.binary_data_size: binary data needs the Inference-Header-Content-Length header`);
    if (entry.data !== undefined) badRequest(`${field}: has both data and parameters.binary_data_size; send one`);
    if (typeof declared !== 'number' || !Number.isSafeInteger(declared) || declared < 0) {
      badRequest(`${field}.parameters.binary_data_size: expected a byte count, got ${describeJson(declared)}`);
    }
    checkBinarySize(declared, datatype, count, body.length - binary.offset, `${field}.parameters.binary_data_size`);
    data = readBinaryTensor(body, binary.offset, datatype, count, allocate);
    binary.offset += declared;
  } else {
    const json = entry.data;
    if (!Array.isArray(json)) badRequest(`${field}.data: expected an array (or parameters.binary_data_size), got ${describeJson(json)}`);
    const got = countJsonElements(json, `${field}.data`);
    if (got !== count) {
      throw serveError('SB_ERR_SHAPE_MISMATCH', `${field}.data: shape ${formatShape(shape)} needs ${count} elements, got ${got}`);
    }
    data = fillFromJson(json, datatype, count, { field: `${field}.data`, allowNonFinite: model.allow_non_finite === true }, allocate);
  }
  checkFinite(data, datatype, model, `${field}.data`);
  return { tensor: { name: spec.name, datatype, shape: [...shape], data }, batch };
}

/** Requested outputs (request order) and which of them answer as binary. */
function decodeOutputs(value: unknown, model: ModelConfig, binaryByDefault: boolean): { names?: string[]; binary: Set<string> } {
  const binary = new Set<string>();
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    if (binaryByDefault) for (const spec of model.output) binary.add(spec.name);
    return { binary };
  }
  if (!Array.isArray(value)) badRequest(`outputs: expected an array, got ${describeJson(value)}`);
  const known = new Set(model.output.map((s) => s.name));
  const names: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const entry = value[i];
    const field = `outputs[${i}]`;
    if (!isPlainObject(entry)) badRequest(`${field}: expected an object, got ${describeJson(entry)}`);
    const name = entry.name;
    if (typeof name !== 'string') badRequest(`${field}.name: expected a string, got ${describeJson(name)}`);
    if (!known.has(name)) badRequest(`${field}.name: model "${model.name}" has no output "${name}" (outputs: ${[...known].join(', ')})`);
    if (names.includes(name)) badRequest(`${field}.name: output "${name}" is requested more than once`);
    const parameters = optionalObject(entry.parameters, `${field}.parameters`);
    if (parameters?.classification !== undefined) badRequest(`${field}.parameters.classification: the classification extension is not supported`);
    const asBinary = optionalBoolean(parameters?.binary_data, `${field}.parameters.binary_data`) ?? binaryByDefault;
    if (asBinary) binary.add(name);
    names.push(name);
  }
  return { names, binary };
}

export function decodeKserveInfer(
  body: Buffer,
  contentType: string | undefined,
  inferenceHeaderLength: string | undefined,
  ctx: DecodeContext,
): KserveDecoded {
  const { model } = ctx;
  const headerLength = parseHeaderLength(inferenceHeaderLength, body.length);
  checkContentType(contentType, headerLength !== undefined);
  const json = parseJsonBytes(body, 0, headerLength ?? body.length, headerLength === undefined ? 'body' : 'inference header');
  if (!isPlainObject(json)) badRequest(`body: expected a JSON object with "inputs", got ${describeJson(json)}`);

  const id = json.id;
  if (id !== undefined && typeof id !== 'string') badRequest(`id: expected a string, got ${describeJson(id)}`);
  const parameters = optionalObject(json.parameters, 'parameters');
  const binaryByDefault = optionalBoolean(parameters?.binary_data_output, 'parameters.binary_data_output') ?? false;
  const inputs = json.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) badRequest(`inputs: expected a non-empty array, got ${describeJson(inputs)}`);

  const matched = matchInputs(inputs, model);
  // Outputs are cheap to check: refuse a bad list before decoding any tensor data.
  const outputs = decodeOutputs(json.outputs, model, binaryByDefault);
  // Binary tensors follow the header in the request's input order.
  const binary = headerLength === undefined ? undefined : { offset: headerLength };
  const byName = new Map<string, Tensor>();
  let batchSize = 1;
  let firstField = '';
  for (let i = 0; i < matched.length; i++) {
    const { tensor, batch } = decodeInput(matched[i], ctx, body, binary);
    if (i === 0) [batchSize, firstField] = [batch, `${matched[i].field}.shape`];
    else checkSameBatch(batch, batchSize, `${matched[i].field}.shape`, firstField);
    byName.set(tensor.name, tensor);
  }
  if (binary !== undefined && binary.offset !== body.length) {
    badRequest(`body: ${body.length - binary.offset} bytes follow the last binary input; binary_data_size values do not cover the body`);
  }

  const request: InferRequest = {
    id: ctx.requestId,
    inputs: model.input.map((spec) => byName.get(spec.name)!),
    batchSize,
  };
  if (outputs.names !== undefined) request.outputs = outputs.names;
  return { request, binaryOutputs: outputs.binary, ...(id === undefined ? {} : { clientId: id }) };
}
