// The instance group of one model version: N worker threads, each running one batch at a time.
//
// Why worker_threads and not child processes: a batch's tensors move to and from a worker as
// transferred ArrayBuffers, with no copy and no serialisation; a thread starts in a fraction of a
// process's time; and a worker that throws or exits is isolated and replaced without touching the
// others. The accepted trade-off: a native crash inside onnxruntime takes the whole process down.
import type { Worker } from 'node:worker_threads';
// Pins onnxruntime's native addon in the main thread. Without it, once every worker that loaded
// it has exited (all replaced, or a pool stopped), the next worker fails with "Module did not
// self-register": Node drops the addon, but the library stays mapped and never registers again.
import 'onnxruntime-node';
import type { Tensor } from '../codec/tensor.ts';
import { serveError, type ServeError } from '../errors.ts';
import type { SchedulerObserver } from '../inference.ts';
import { startWorker } from './startWorker.ts';
import type { OnnxFile, PoolMessage, RunMessage, WorkerInit, WorkerMessage } from './worker.ts';

export interface PoolOptions {
  modelName: string;
  /** One file, or the ensemble's steps in order. */
  files: OnnxFile[];
  workers: number;
  intraOpThreads: number;
  /** Let intra-op threads spin-wait between jobs (ONNX Runtime's default); off when absent. */
  intraOpSpinning?: boolean;
  executionProvider: 'cpu' | 'cuda';
  observer?: SchedulerObserver;
  /** An instance became idle (its batch is answered, or a replacement is ready). */
  onIdle?: () => void;
  /** No instance is left and a replacement failed to load: queued work cannot run. */
  onUnavailable?: (err: ServeError) => void;
  /** First wait before trying again to start a replacement that failed to load; doubled after each failure. */
  restartDelayMs?: number;
  /** Longest wait between two tries. */
  maxRestartDelayMs?: number;
  /** Fault injection: the instance about to start fails its load. */
  failLoad?: () => boolean;
}

export type BatchJob = Omit<RunMessage, 'type'>;

export interface BatchOutput {
  outputs: Tensor[];
  computeUs: number;
  /** The batch's input buffers, handed back after the run for reuse. */
  inputBuffers: ArrayBuffer[];
}

/** An idle instance handed to the scheduler; `run` may be called once per acquire. */
export interface PoolInstance {
  readonly id: number;
  /** Inputs' buffers must be transferable (see prepareTransfer); they are detached afterwards. */
  run(job: BatchJob, transfer: ArrayBuffer[]): Promise<BatchOutput>;
}

type State = 'starting' | 'idle' | 'busy' | 'dead';

interface Instance {
  id: number;
  worker: Worker;
  state: State;
  lastError?: Error;
  ready: Promise<void>;
  exited: Promise<void>;
  running?: { job: BatchJob; resolve: (out: BatchOutput) => void; reject: (err: Error) => void };
}

export class WorkerPool {
  private readonly instances = new Map<number, Instance>();
  private nextId = 0;
  private stopping = false;
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  /** Replacements that failed to load in a row: sets the back-off. */
  private failedRestarts = 0;

  constructor(private readonly opts: PoolOptions) {}

  /** Start every instance; rejects with SB_ERR_MODEL_LOAD (naming the file) if any fails to load. */
  async start(): Promise<void> {
    const started = Array.from({ length: Math.max(1, this.opts.workers) }, () => this.spawn().ready);
    const results = await Promise.allSettled(started);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.stop();
      throw failed.reason;
    }
  }

  /** Take an idle instance for one batch, or undefined when all are busy or starting. */
  acquireIdle(): PoolInstance | undefined {
    for (const inst of this.instances.values()) {
      if (inst.state !== 'idle') continue;
      inst.state = 'busy';
      return { id: inst.id, run: (job, transfer) => this.run(inst, job, transfer) };
    }
    return undefined;
  }

  /** Instances ready for a batch now. */
  idleWorkers(): number {
    let n = 0;
    for (const inst of this.instances.values()) if (inst.state === 'idle') n++;
    return n;
  }

  /** Instances loaded and able to run (idle or busy). */
  liveWorkers(): number {
    let n = 0;
    for (const inst of this.instances.values()) if (inst.state === 'idle' || inst.state === 'busy') n++;
    return n;
  }

  /**
   * Stop every instance. Never worker.terminate() here: onnxruntime runs synchronously on the
   * worker's thread, and terminating it mid-run aborts the whole process (an uncaught Napi::Error).
   * A 'close' message is handled at the next point where the thread is back in JavaScript: at once
   * when idle, after the current ONNX run when busy.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.restartTimers) clearTimeout(t);
    this.restartTimers.clear();
    const all = [...this.instances.values()];
    for (const inst of all) inst.worker.postMessage({ type: 'close' } satisfies PoolMessage);
    await Promise.all(all.map((inst) => inst.exited));
  }

  private run(inst: Instance, job: BatchJob, transfer: ArrayBuffer[]): Promise<BatchOutput> {
    return new Promise<BatchOutput>((resolve, reject) => {
      if (inst.state !== 'busy' || inst.running) {
        reject(serveError('SB_ERR_INTERNAL', `worker ${inst.id} was not acquired for batch ${job.batchId}`));
        return;
      }
      inst.running = { job, resolve, reject };
      try {
        inst.worker.postMessage({ type: 'run', ...job } satisfies RunMessage, transfer);
      } catch (err) {
        // Nothing reached the worker (e.g. an untransferable buffer): the instance is still idle.
        inst.running = undefined;
        inst.state = 'idle';
        reject(serveError('SB_ERR_INTERNAL', `batch ${job.batchId} could not be sent to worker ${inst.id}: ${(err as Error).message}`));
        queueMicrotask(() => this.opts.onIdle?.());
      }
    });
  }

  private spawn(): Instance {
    const id = this.nextId++;
    const init: WorkerInit = {
      workerId: id,
      files: this.opts.files,
      intraOpThreads: this.opts.intraOpThreads,
      intraOpSpinning: this.opts.intraOpSpinning ?? false,
      executionProvider: this.opts.executionProvider,
      failLoad: this.opts.failLoad?.() ?? false,
    };
    const worker = startWorker('worker', init);
    let settleReady!: (err?: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      settleReady = (err) => (err ? reject(err) : resolve());
    });
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const inst: Instance = { id, worker, state: 'starting', ready, exited };
    // An instance that never becomes ready is reported through `ready`; nobody else awaits it.
    ready.catch(() => {});
    this.instances.set(id, inst);

    worker.on('message', (msg: WorkerMessage) => this.onMessage(inst, msg, settleReady));
    worker.on('error', (err) => {
      inst.lastError = err;
    });
    worker.on('exit', (code) => this.onExit(inst, code, settleReady));
    return inst;
  }

  private onMessage(inst: Instance, msg: WorkerMessage, settleReady: (err?: Error) => void): void {
    switch (msg.type) {
      case 'ready':
        if (this.stopping) return;
        inst.state = 'idle';
        settleReady();
        this.opts.onIdle?.();
        return;
      case 'loadError':
        settleReady(serveError('SB_ERR_MODEL_LOAD', `model '${this.opts.modelName}': cannot load ${msg.file}: ${msg.message}`));
        inst.worker.postMessage({ type: 'close' } satisfies PoolMessage);
        return;
      case 'result':
      case 'error': {
        const running = inst.running;
        if (!running || running.job.batchId !== msg.batchId) return;
        inst.running = undefined;
        inst.state = 'idle';
        if (msg.type === 'result') running.resolve({ outputs: msg.outputs, computeUs: msg.computeUs, inputBuffers: msg.inputBuffers });
        else running.reject(serveError('SB_ERR_INFERENCE', `model '${this.opts.modelName}': ${msg.message}`));
        this.opts.onIdle?.();
        return;
      }
    }
  }

  private onExit(inst: Instance, code: number, settleReady: (err?: Error) => void): void {
    const wasStarting = inst.state === 'starting';
    inst.state = 'dead';
    this.instances.delete(inst.id);
    const reason = inst.lastError ? `${inst.lastError.message}` : `exited with code ${code}`;
    settleReady(serveError('SB_ERR_MODEL_LOAD', `model '${this.opts.modelName}': worker ${inst.id} ${reason} while loading ${this.opts.files.map((f) => f.path).join(', ')}`));

    const running = inst.running;
    inst.running = undefined;
    if (running) {
      const { batchId, requestIds } = running.job;
      running.reject(
        serveError(
          'SB_ERR_WORKER_FAILED',
          `model '${this.opts.modelName}': worker ${inst.id} ${reason} while running batch ${batchId} (requests ${requestIds.join(', ')})`,
        ),
      );
    }
    // A load failure is reported through `ready`, to start() or to replace().
    if (this.stopping || wasStarting) return;
    this.opts.observer?.onWorkerExit?.({ workerId: inst.id, code, reason });
    this.replace();
  }

  private replace(): void {
    const replacement = this.spawn();
    replacement.ready.then(
      () => {
        this.failedRestarts = 0;
      },
      (err: Error) => {
        if (this.stopping) return;
        this.failedRestarts += 1;
        // Exponential back-off: a file that cannot load is not retried every second forever.
        const delayMs = Math.min((this.opts.restartDelayMs ?? 1000) * 2 ** (this.failedRestarts - 1), this.opts.maxRestartDelayMs ?? 30_000);
        this.opts.observer?.onWorkerExit?.({ workerId: replacement.id, code: null, reason: `replacement failed (${this.failedRestarts} in a row; next try in ${delayMs} ms): ${err.message}` });
        if (this.liveWorkers() === 0) this.opts.onUnavailable?.(err as ServeError);
        this.retryLater(delayMs);
      },
    );
  }

  private retryLater(delayMs: number): void {
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (!this.stopping) this.replace();
    }, delayMs);
    timer.unref();
    this.restartTimers.add(timer);
  }
}
