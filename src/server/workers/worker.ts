// One model instance (Triton's word): a worker thread that owns its onnxruntime sessions, one per
// ensemble step, and runs one batch at a time for the pool.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { prepareTransfer } from '../batchTensors.ts';
import { DATATYPE_INFO, datatypeFromOrt, type Tensor } from '../codec/tensor.ts';

/** One ONNX file of a model: where it came from (for messages) and its verified bytes. */
export interface OnnxFile {
  path: string;
  /** Shared by every instance of the model, replacements included: never read from disk again. */
  model: SharedArrayBuffer;
}

/** `workerData` of an instance. */
export interface WorkerInit {
  workerId: number;
  /** One file, or the ensemble's steps in order. */
  files: OnnxFile[];
  intraOpThreads: number;
  intraOpSpinning: boolean;
  executionProvider: 'cpu' | 'cuda';
  /** Fault injection: report a load failure instead of loading. */
  failLoad: boolean;
}

/** Pool -> worker. */
export interface RunMessage {
  type: 'run';
  batchId: number;
  requestIds: string[];
  /** The batch's inputs in model input order; their buffers are transferred. */
  inputs: Tensor[];
  /** Outputs to fetch from the last step; all when omitted. */
  outputNames?: string[];
  /** Fault injection: die with exit code 70 in the middle of this batch. */
  crash?: boolean;
}

/** Pool -> worker: exit at the next safe point (never in the middle of an onnxruntime call). */
export interface CloseMessage {
  type: 'close';
}

export type PoolMessage = RunMessage | CloseMessage;

/** Worker -> pool. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'loadError'; file: string; message: string }
  | { type: 'result'; batchId: number; outputs: Tensor[]; computeUs: number; inputBuffers: ArrayBuffer[] }
  | { type: 'error'; batchId: number; message: string };

export const CRASH_EXIT_CODE = 70;

const CUDA_HELP =
  'CUDA libraries are not installed: onnxruntime-node downloads its CUDA 12 execution provider only on request. ' +
  "On Linux x64 with CUDA 12 and cuDNN 9, run 'ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node', " +
  "or set execution_provider to 'cpu'";

async function loadSessions(init: WorkerInit): Promise<ort.InferenceSession[]> {
  if (init.failLoad) throw Object.assign(new Error('injected load failure (fault)'), { file: init.files[0]?.path });
  const sessions: ort.InferenceSession[] = [];
  for (const file of init.files) {
    try {
      // onnxruntime refuses a view of shared memory: this thread takes its own copy of the bytes.
      const bytes = new Uint8Array(file.model).slice();
      sessions.push(
        await ort.InferenceSession.create(bytes, {
          intraOpNumThreads: init.intraOpThreads,
          // Steps run one after another inside a worker; parallelism comes from more workers.
          interOpNumThreads: 1,
          executionProviders: [init.executionProvider],
          graphOptimizationLevel: 'all',
          // Spinning pool threads keep a core busy between runs; on cores shared with the event
          // loop and the other workers that time is taken from them (see intra_op_spinning).
          extra: { session: { intra_op: { allow_spinning: init.intraOpSpinning ? '1' : '0' } } },
        }),
      );
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const message = init.executionProvider === 'cuda' ? `${CUDA_HELP} (${reason})` : reason;
      throw Object.assign(new Error(message), { file: file.path });
    }
  }
  return sessions;
}

function toOrt(t: Tensor): ort.Tensor {
  return new ort.Tensor(DATATYPE_INFO[t.datatype].ort as ort.Tensor.Type, t.data as ort.Tensor.DataType, t.shape);
}

function fromOrt(name: string, t: ort.Tensor): Tensor {
  const datatype = datatypeFromOrt(t.type);
  if (datatype === undefined) throw new Error(`output '${name}' has type ${t.type}, which the server cannot return`);
  return { name, datatype, shape: [...t.dims], data: t.data as Tensor['data'] };
}

/** Run the steps in order, step i's outputs feeding step i+1's inputs by position. */
async function runSteps(sessions: ort.InferenceSession[], msg: RunMessage): Promise<Tensor[]> {
  const first = sessions[0];
  // The request's inputs are in model input order; match by name, else by position.
  let feeds: Record<string, ort.Tensor> = Object.fromEntries(
    msg.inputs.map((t, i) => [first.inputNames.includes(t.name) ? t.name : first.inputNames[i], toOrt(t)]),
  );
  for (let s = 0; s < sessions.length; s++) {
    const session = sessions[s];
    const last = s === sessions.length - 1;
    const results = last && msg.outputNames ? await session.run(feeds, msg.outputNames) : await session.run(feeds);
    if (msg.crash) process.exit(CRASH_EXIT_CODE);
    if (last) {
      const names = msg.outputNames ?? session.outputNames;
      return names.map((name) => fromOrt(name, results[name]));
    }
    const next = sessions[s + 1];
    feeds = Object.fromEntries(session.outputNames.map((name, i) => [next.inputNames[i], results[name]]));
  }
  throw new Error('model has no steps');
}

async function main(port: NonNullable<typeof parentPort>, init: WorkerInit): Promise<void> {
  let sessions: ort.InferenceSession[] | undefined;
  // Listening from the start, so a 'close' during loading is honoured between two loads.
  port.on('message', (msg: PoolMessage) => {
    if (msg.type === 'close') process.exit(0);
    else if (sessions) void runBatch(port, sessions, msg);
  });
  try {
    sessions = await loadSessions(init);
  } catch (err) {
    const e = err as Error & { file?: string };
    port.postMessage({ type: 'loadError', file: e.file ?? init.files.map((f) => f.path).join(', '), message: e.message } satisfies WorkerMessage);
    return;
  }
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}

async function runBatch(port: NonNullable<typeof parentPort>, sessions: ort.InferenceSession[], msg: RunMessage): Promise<void> {
  const started = performance.now();
  try {
    const { tensors: outputs, transfer } = prepareTransfer(await runSteps(sessions, msg));
    const computeUs = Math.round((performance.now() - started) * 1000);
    // The run is over and ONNX Runtime holds no pointer into the inputs: their buffers go back to
    // the scheduler's pool to carry later requests (see bufferPool.ts).
    const inputBuffers = [...new Set(msg.inputs.map((t) => t.data.buffer))].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer && !transfer.includes(b));
    port.postMessage({ type: 'result', batchId: msg.batchId, outputs, computeUs, inputBuffers } satisfies WorkerMessage, [...transfer, ...inputBuffers]);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const message = `batch ${msg.batchId} (requests ${msg.requestIds.join(', ')}) failed: ${reason}`;
    port.postMessage({ type: 'error', batchId: msg.batchId, message } satisfies WorkerMessage);
  }
}

if (parentPort) void main(parentPort, workerData as WorkerInit);
