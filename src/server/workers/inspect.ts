// A short-lived thread that reads a model version's ONNX files once: it hashes each, and only when
// the hash is the one expected parses it for its inputs and outputs. Reading, hashing and parsing a
// large model take seconds of CPU; here they never hold the server's event loop.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import type { ModelIoMeta, OrtIoMeta } from '../repository/autoConfig.ts';
import { sha256Hex } from '../repository/manifest.ts';

export interface InspectRequest {
  files: { path: string; expectedSha256?: string }[];
}

export type InspectedFile =
  | { path: string; sha256: string; bytes: number; model: SharedArrayBuffer; io: ModelIoMeta }
  /** The bytes are not the expected ones: never parsed. */
  | { path: string; sha256: string; bytes: number; mismatch: true }
  | { path: string; problem: string };

export type InspectReply = { type: 'done'; files: InspectedFile[] };

async function inspect(path: string, expectedSha256: string | undefined): Promise<InspectedFile> {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    return { path, problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  const sha256 = sha256Hex(data);
  if (expectedSha256 !== undefined && sha256 !== expectedSha256) return { path, sha256, bytes: data.length, mismatch: true };
  let session: ort.InferenceSession;
  try {
    // No optimisation and one thread: this session only answers questions about the graph.
    session = await ort.InferenceSession.create(data, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (err) {
    return { path, problem: `onnxruntime cannot load it (${(err as Error).message.trim()})` };
  }
  const toMeta = (m: ort.InferenceSession.ValueMetadata): OrtIoMeta =>
    m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] };
  const io = { inputs: session.inputMetadata.map(toMeta), outputs: session.outputMetadata.map(toMeta) };
  await session.release();
  // Shared, so every instance of the model (and each replacement) gets these very bytes without a copy here.
  const model = new SharedArrayBuffer(data.length);
  new Uint8Array(model).set(data);
  return { path, sha256, bytes: data.length, model, io };
}

async function main(port: NonNullable<typeof parentPort>, request: InspectRequest): Promise<void> {
  const files: InspectedFile[] = [];
  for (const { path, expectedSha256 } of request.files) files.push(await inspect(path, expectedSha256));
  port.postMessage({ type: 'done', files } satisfies InspectReply);
}

if (parentPort) void main(parentPort, workerData as InspectRequest);
