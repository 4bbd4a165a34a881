// The scheduler of one model version (Triton's dynamic batch scheduler): a bounded queue, the
// batcher's decisions turned into timers and dispatches, and the instance pool that runs them.
import { performance } from 'node:perf_hooks';
import { prepareTransfer, splitOutputs, stackInputs } from './batchTensors.ts';
import { BatchQueue, shapeKey, type Pending } from './batcher.ts';
import { BufferPool } from './bufferPool.ts';
import type { Tensor, TensorAllocator } from './codec/tensor.ts';
import { serveError, type ServeError } from './errors.ts';
import type { InferRequest, InferResult, SchedulerObserver, ServingSettings } from './inference.ts';
import type { ModelConfig } from './repository/modelConfig.ts';
import { WorkerPool } from './workers/pool.ts';
import type { OnnxFile } from './workers/worker.ts';

export interface SchedulerOptions {
  modelName: string;
  config: ModelConfig;
  /** One file, or the ensemble steps in order. */
  files: OnnxFile[];
  settings: ServingSettings;
  observer?: SchedulerObserver;
  faults?: { shouldCrashWorker?(): boolean; shouldFailLoad?(): boolean };
}

interface Queued extends Pending {
  req: InferRequest;
  state: 'queued' | 'running' | 'done';
  queueUs: number;
  computeUs: number;
  deadline?: NodeJS.Timeout;
  resolve: (result: InferResult) => void;
  reject: (err: ServeError) => void;
}

const nowUs = (): number => performance.now() * 1000;

/** Idle tensor buffers one model keeps for reuse: a few hundred requests' worth of cnn images. */
const POOL_MAX_BYTES = 32 * 1024 * 1024;

export class ModelScheduler {
  private readonly queue: BatchQueue<Queued>;
  private readonly pool: WorkerPool;
  private readonly buffers = new BufferPool(POOL_MAX_BYTES);
  private readonly maxBatchSize: number;
  private running = 0;
  private readonly runningItems = new Set<Queued>();
  private batchSeq = 0;
  private waitTimer?: NodeJS.Timeout;
  private draining = false;
  private stopped = false;
  /** Set while no worker is left and a replacement failed to load. */
  private unavailable?: ServeError;
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly opts: SchedulerOptions) {
    const { config, settings } = opts;
    // The model's own limit wins; 0 there means its inputs carry no batch dim at all.
    this.maxBatchSize = config.max_batch_size > 0 ? Math.min(settings.max_batch_size, config.max_batch_size) : 0;
    this.queue = new BatchQueue<Queued>({
      maxBatchSize: this.maxBatchSize,
      maxBatchDelayUs: settings.max_batch_delay_us,
      preferredBatchSizes: settings.preferred_batch_sizes,
    });
    this.pool = new WorkerPool({
      modelName: opts.modelName,
      files: opts.files,
      workers: settings.workers,
      intraOpThreads: settings.intra_op_threads,
      intraOpSpinning: settings.intra_op_spinning ?? false,
      executionProvider: settings.execution_provider,
      observer: opts.observer,
      onIdle: () => {
        this.unavailable = undefined;
        this.pump();
      },
      onUnavailable: (err) => this.onUnavailable(err),
      failLoad: () => opts.faults?.shouldFailLoad?.() ?? false,
    });
  }

  start(): Promise<void> {
    return this.pool.start();
  }

  infer(req: InferRequest): Promise<InferResult> {
    return new Promise<InferResult>((resolve, reject) => {
      const name = this.opts.modelName;
      if (this.stopped || this.draining) {
        reject(serveError('SB_ERR_SHUTTING_DOWN', `model '${name}' is shutting down; request ${req.id} was not accepted`));
        return;
      }
      if (this.unavailable) {
        reject(serveError('SB_ERR_WORKER_FAILED', `model '${name}' has no running worker: ${this.unavailable.message}`));
        return;
      }
      const maxQueue = this.opts.settings.max_queue_size;
      if (maxQueue > 0 && this.queue.length >= maxQueue) {
        reject(serveError('SB_ERR_QUEUE_FULL', `model '${name}': queue is full (${this.queue.length} of ${maxQueue} requests waiting); retry later`));
        return;
      }
      const item: Queued = {
        req,
        size: this.maxBatchSize > 0 ? req.batchSize : 1,
        shapeKey: shapeKey(req.inputs),
        enqueuedUs: nowUs(),
        state: 'queued',
        queueUs: 0,
        computeUs: 0,
        resolve,
        reject,
      };
      const timeoutMs = this.opts.settings.request_timeout_ms;
      if (timeoutMs > 0) item.deadline = setTimeout(() => this.onDeadline(item, timeoutMs), timeoutMs);
      this.queue.push(item);
      this.pump();
    });
  }

  /** Where decoders put this model's input tensors: buffers recycled from earlier batches. */
  get allocateTensor(): TensorAllocator {
    return this.buffers.allocate;
  }

  queueDepth(): number {
    return this.queue.length;
  }

  inFlight(): number {
    return this.running;
  }

  liveWorkers(): number {
    return this.pool.liveWorkers();
  }

  /** False while the model cannot take work: no worker left and replacements failing, or draining. */
  ready(): boolean {
    return !this.unavailable && !this.draining && !this.stopped;
  }

  /** Stops accepting requests; resolves once every accepted one has been answered. */
  drain(): Promise<void> {
    this.draining = true;
    this.pump();
    return new Promise<void>((resolve) => {
      this.drainWaiters.push(resolve);
      this.checkDrained();
    });
  }

  /** Fails whatever is still queued or running with SB_ERR_SHUTTING_DOWN, then stops the workers (after their current ONNX run). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.waitTimer);
    const err = serveError('SB_ERR_SHUTTING_DOWN', `model '${this.opts.modelName}' stopped before the request was answered`);
    for (const item of this.queue.clear()) this.settle(item, err);
    for (const item of this.runningItems) this.settle(item, err);
    await this.pool.stop();
    this.checkDrained();
  }

  /** Form and dispatch batches while a worker is idle; otherwise leave a timer for the batcher's wait. */
  private pump(): void {
    clearTimeout(this.waitTimer);
    this.waitTimer = undefined;
    while (!this.stopped && this.pool.idleWorkers() > 0) {
      const now = nowUs();
      const decision = this.queue.next(now, this.draining);
      if (decision.kind === 'idle') return;
      if (decision.kind === 'wait') {
        // setTimeout has millisecond resolution: round up, and re-decide if it fires a little early.
        const ms = Math.max(1, Math.ceil((decision.untilUs - now) / 1000));
        this.waitTimer = setTimeout(() => this.pump(), ms);
        return;
      }
      this.dispatch(decision.take);
    }
  }

  private dispatch(items: Queued[]): void {
    const batchId = ++this.batchSeq;
    const startUs = nowUs();
    for (const item of items) {
      item.state = 'running';
      item.queueUs = Math.round(startUs - item.enqueuedUs);
      this.running++;
      this.runningItems.add(item);
    }
    const requestIds = items.map((i) => i.req.id);
    let prepared: ReturnType<typeof prepareTransfer>;
    try {
      // A request alone moves its own buffers; a batch is stacked into pooled ones, and the
      // requests' own buffers are free again at once.
      if (items.length === 1) prepared = prepareTransfer(items[0].req.inputs);
      else {
        prepared = prepareTransfer(stackInputs(items.map((i) => i.req.inputs), this.buffers.allocate));
        for (const item of items) this.buffers.recycle(item.req.inputs);
      }
    } catch (err) {
      const e = serveError('SB_ERR_INTERNAL', `model '${this.opts.modelName}': batch ${batchId} (requests ${requestIds.join(', ')}) could not be formed: ${(err as Error).message}`);
      for (const item of items) this.settle(item, e);
      return;
    }
    const { tensors, transfer } = prepared;
    const outputNames = this.outputsToFetch(items);
    const crash = this.opts.faults?.shouldCrashWorker?.() ?? false;
    this.pool.acquireIdle()!.run({ batchId, requestIds, inputs: tensors, outputNames, crash }, transfer).then(
      (out) => {
        for (const buffer of out.inputBuffers) this.buffers.give(buffer);
        this.complete(items, out.outputs, out.computeUs);
      },
      (err: ServeError) => {
        for (const item of items) this.settle(item, err);
      },
    );
  }

  /** The union of what the batch's requests asked for; all outputs if any asked for all. */
  private outputsToFetch(items: Queued[]): string[] | undefined {
    if (items.some((i) => i.req.outputs === undefined)) return undefined;
    // Only names the model has: one request's unknown name must not fail the others' batch.
    const known = new Set(this.opts.config.output.map((o) => o.name));
    const names = [...new Set(items.flatMap((i) => i.req.outputs!))].filter((n) => known.has(n));
    return names.length > 0 ? names : undefined;
  }

  private complete(items: Queued[], outputs: Tensor[], computeUs: number): void {
    const batchSize = items.reduce((n, i) => n + i.size, 0);
    let perRequest: Tensor[][];
    try {
      perRequest = items.length === 1 ? [outputs] : splitOutputs(outputs, items.map((i) => i.size));
    } catch (err) {
      const e = serveError('SB_ERR_INFERENCE', `model '${this.opts.modelName}': ${(err as Error).message}`);
      for (const item of items) this.settle(item, e);
      return;
    }
    this.opts.observer?.onBatch?.({ size: batchSize, requests: items.length, computeUs, inferences: items.reduce((n, i) => n + i.req.batchSize, 0) });
    items.forEach((item, i) => {
      item.computeUs = computeUs;
      const wanted = item.req.outputs;
      const mine = wanted ? wanted.flatMap((n) => perRequest[i].filter((t) => t.name === n)) : perRequest[i];
      this.settle(item, { outputs: mine, queueUs: item.queueUs, computeUs, batchSize });
    });
  }

  private onDeadline(item: Queued, timeoutMs: number): void {
    const where = item.state === 'queued' ? 'waited in the queue' : 'was still running';
    if (item.state === 'queued') {
      this.queue.remove(item);
      item.queueUs = Math.round(nowUs() - item.enqueuedUs);
    }
    // A running request's batch goes on; its result is dropped for this request.
    this.settle(item, serveError('SB_ERR_TIMEOUT', `model '${this.opts.modelName}': request ${item.req.id} ${where} after request_timeout_ms ${timeoutMs}`));
  }

  private onUnavailable(err: ServeError): void {
    this.unavailable = err;
    const e = serveError('SB_ERR_WORKER_FAILED', `model '${this.opts.modelName}' has no running worker: ${err.message}`);
    for (const item of this.queue.clear()) this.settle(item, e);
  }

  /** Answer a request exactly once; later outcomes (a batch finishing after a timeout) are dropped. */
  private settle(item: Queued, outcome: InferResult | ServeError): void {
    if (item.state === 'done') return;
    if (item.state === 'running') {
      this.running--;
      this.runningItems.delete(item);
    }
    item.state = 'done';
    clearTimeout(item.deadline);
    const ok = !(outcome instanceof Error);
    this.opts.observer?.onRequestDone?.({ queueUs: item.queueUs, computeUs: item.computeUs, ok });
    if (ok) item.resolve(outcome);
    else item.reject(outcome);
    this.checkDrained();
  }

  private checkDrained(): void {
    if (this.queue.length > 0 || this.running > 0 || this.drainWaiters.length === 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
