// Valid requests generated from the target's own model metadata (KServe v2 `GET /v2/models/{m}`):
// random tensors of the right names, datatypes and shapes, deterministic from the payload seed,
// encoded as KServe JSON, Triton's binary tensor extension, or TorchServe-style raw bytes.
//
// Shapes: a -1 leading dimension is the request's batch (payload.batch); any other -1 dimension
// is filled with 1 (the smallest valid size; a model whose real inputs need more takes a fixture).
import type { PayloadSpec } from '../contract/scenario.ts';
import { loadFixtureRequests } from './payloadFixture.ts';
import { deriveSeed, seededRandom } from './random.ts';
import { binaryValues, jsonValues, randomValues, requireDatatype, type KserveDatatype } from './tensorData.ts';
import type { RequestTemplate } from './types.ts';
import { ServebenchError } from '../contract/errors.ts';

export interface TensorMetadata {
  name: string;
  datatype: string;
  /** -1 marks a dynamic dimension. */
  shape: number[];
}

export interface ModelMetadata {
  name: string;
  versions?: string[];
  platform?: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

export interface PayloadTarget {
  protocol: 'kserve-v2' | 'torchserve';
  model: string;
  version?: string;
}

/** TorchServe-style raw bodies: uint8 values (the common image/bytes case), or little-endian float32. */
export type RawEncoding = 'uint8' | 'float32';

const enc = encodeURIComponent;

export function inferPath(target: PayloadTarget): string {
  if (target.protocol === 'torchserve') return `/predictions/${enc(target.model)}${target.version ? `/${enc(target.version)}` : ''}`;
  return `/v2/models/${enc(target.model)}${target.version ? `/versions/${enc(target.version)}` : ''}/infer`;
}

function modelUrl(origin: string, model: string, version?: string): string {
  return `${origin}/v2/models/${enc(model)}${version ? `/versions/${enc(version)}` : ''}`;
}

function checkMetadata(json: unknown, where: string): ModelMetadata {
  const m = json as ModelMetadata;
  const tensorsOk = (list: unknown) =>
    Array.isArray(list) &&
    list.every((t: TensorMetadata) => typeof t?.name === 'string' && typeof t.datatype === 'string' && Array.isArray(t.shape) && t.shape.every((d) => Number.isInteger(d) && d >= -1));
  if (typeof m?.name !== 'string' || !tensorsOk(m.inputs) || m.inputs.length === 0) {
    throw new ServebenchError('SB_ERR_MODEL_METADATA', `${where}: expected KServe v2 model metadata {name, inputs: [{name, datatype, shape}]}, got ${JSON.stringify(json).slice(0, 200)}`);
  }
  return { ...m, outputs: tensorsOk(m.outputs) ? m.outputs : [] };
}

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new ServebenchError('SB_ERR_MODEL_METADATA', `GET ${url}: ${(err as Error).message}`, { cause: err });
  }
  const text = await res.text();
  if (res.status !== 200) throw new ServebenchError('SB_ERR_MODEL_METADATA', `GET ${url}: status ${res.status}: ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ServebenchError('SB_ERR_MODEL_METADATA', `GET ${url}: answer is not JSON: ${text.slice(0, 200)}`, { cause: err });
  }
}

/** KServe v2 model metadata of the target's model. */
export async function fetchModelMetadata(origin: string, model: string, version?: string, timeoutMs = 10_000): Promise<ModelMetadata> {
  const url = modelUrl(origin, model, version);
  return checkMetadata(await getJson(url, timeoutMs), `GET ${url}`);
}

/** The request's concrete shape: leading -1 -> batch, other -1 -> 1. */
export function concreteShape(shape: number[], batch: number): number[] {
  return shape.map((d, i) => (d >= 0 ? d : i === 0 ? batch : 1));
}

interface Tensor {
  name: string;
  datatype: KserveDatatype;
  shape: number[];
  values: ReturnType<typeof randomValues>;
}

function randomTensors(metadata: ModelMetadata, batch: number, random: () => number): Tensor[] {
  return metadata.inputs.map((input, i) => {
    const datatype = requireDatatype(input.datatype, `model ${metadata.name} inputs[${i}] "${input.name}"`);
    const shape = concreteShape(input.shape, batch);
    return { name: input.name, datatype, shape, values: randomValues(datatype, shape.reduce((a, b) => a * b, 1), random) };
  });
}

function kserveJson(tensors: Tensor[]): { headers: Record<string, string>; body: Buffer } {
  const inputs = tensors.map((t) => ({ name: t.name, shape: t.shape, datatype: t.datatype, data: jsonValues(t.datatype, t.values) }));
  return { headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ inputs }), 'utf8') };
}

function kserveBinary(tensors: Tensor[]): { headers: Record<string, string>; body: Buffer } {
  const chunks = tensors.map((t) => binaryValues(t.datatype, t.values));
  const inputs = tensors.map((t, i) => ({ name: t.name, shape: t.shape, datatype: t.datatype, parameters: { binary_data_size: chunks[i].length } }));
  const header = Buffer.from(JSON.stringify({ inputs }), 'utf8');
  return {
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
    body: Buffer.concat([header, ...chunks]),
  };
}

/** `batch` samples of the model's one input as raw bytes; the batch dimension exists only if the metadata has one. */
function torchserveBytes(metadata: ModelMetadata, batch: number, encoding: RawEncoding, random: () => number): { headers: Record<string, string>; body: Buffer } {
  if (metadata.inputs.length !== 1) {
    throw new ServebenchError('SB_ERR_PAYLOAD', `model ${metadata.name} has ${metadata.inputs.length} inputs; TorchServe-style raw bodies carry one (set payload.fixture)`);
  }
  const count = concreteShape(metadata.inputs[0].shape, batch).reduce((a, b) => a * b, 1);
  const values = randomValues(encoding === 'uint8' ? 'UINT8' : 'FP32', count, random) as number[];
  return { headers: { 'content-type': 'application/octet-stream' }, body: binaryValues(encoding === 'uint8' ? 'UINT8' : 'FP32', values) };
}

/** `payload.variants` distinct valid requests, the same for the same seed. */
export function generateRequests(metadata: ModelMetadata, target: PayloadTarget, payload: PayloadSpec, rawEncoding: RawEncoding = 'uint8'): RequestTemplate[] {
  if (!(Number.isInteger(payload.batch) && payload.batch >= 1)) throw new ServebenchError('SB_ERR_PAYLOAD', `payload.batch must be a positive integer, got ${payload.batch}`);
  if (!(Number.isInteger(payload.variants) && payload.variants >= 1)) throw new ServebenchError('SB_ERR_PAYLOAD', `payload.variants must be a positive integer, got ${payload.variants}`);
  const path = inferPath(target);
  return Array.from({ length: payload.variants }, (_, v) => {
    const random = seededRandom(deriveSeed(payload.seed, v));
    const encoded =
      target.protocol === 'torchserve'
        ? torchserveBytes(metadata, payload.batch, rawEncoding, random)
        : (payload.encoding === 'binary' ? kserveBinary : kserveJson)(randomTensors(metadata, payload.batch, random));
    return { method: 'POST', path, headers: encoded.headers, body: encoded.body, requestClass: 'valid' };
  });
}

/** A TorchServe-style target's raw encoding: float32 only when the server's config says its pre-processing reads float32. */
async function rawEncodingOf(origin: string, target: PayloadTarget, timeoutMs: number): Promise<RawEncoding> {
  try {
    const config = (await getJson(`${modelUrl(origin, target.model, target.version)}/config`, timeoutMs)) as { preprocess?: { encoding?: string } };
    return config?.preprocess?.encoding === 'float32' ? 'float32' : 'uint8';
  } catch {
    return 'uint8';
  }
}

export interface PayloadSource {
  origin: string;
  target: PayloadTarget;
  payload: PayloadSpec;
  /** Where a relative payload.fixture is resolved (default: the working directory). */
  baseDir?: string;
  timeoutMs?: number;
}

/** The valid requests of a run: the fixture's bodies when one is named, else generated from the target's metadata. */
export async function buildPayloads(source: PayloadSource): Promise<RequestTemplate[]> {
  const { origin, target, payload, timeoutMs = 10_000 } = source;
  if (payload.fixture !== undefined) return loadFixtureRequests(payload.fixture, inferPath(target), source.baseDir);
  let metadata: ModelMetadata;
  try {
    metadata = await fetchModelMetadata(origin, target.model, target.version, timeoutMs);
  } catch (err) {
    if (target.protocol !== 'torchserve') throw err;
    throw new ServebenchError('SB_ERR_PAYLOAD', `TorchServe-style target ${origin}: no KServe v2 metadata to size a payload from (${(err as Error).message}); set payload.fixture (servebench run --url: --payload FILE) to request bodies like those under fixtures/payloads/`, { cause: err });
  }
  const rawEncoding = target.protocol === 'torchserve' ? await rawEncodingOf(origin, target, timeoutMs) : 'uint8';
  return generateRequests(metadata, target, payload, rawEncoding);
}

/** nextRequest over a fixed list, in order, forever. */
export function cycleRequests(templates: RequestTemplate[]): () => RequestTemplate {
  if (templates.length === 0) throw new ServebenchError('SB_ERR_PAYLOAD', 'no requests to send: the payload list is empty');
  let i = 0;
  return () => templates[i++ % templates.length];
}
