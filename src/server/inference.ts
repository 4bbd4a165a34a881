// The contract between the protocol layer (http/ + codec/) and the scheduling layer
// (scheduler, batcher, workers): a decoded, validated request in, tensors out.
import type { Tensor } from './codec/tensor.ts';

export interface InferRequest {
  /** Request id, carried into worker error messages and logs. */
  id: string;
  /**
   * Validated inputs, in the model's input order. When the model batches, each carries the batch dim first.
   * The scheduler takes their buffers: moved to a worker, or recycled once stacked into a batch.
   */
  inputs: Tensor[];
  /** Leading dimension of every input when the model batches; 1 otherwise. */
  batchSize: number;
  /** Output names the client asked for; all outputs when omitted. */
  outputs?: string[];
}

export interface InferResult {
  /** This request's slice of every output, batch dim kept when the model batches. */
  outputs: Tensor[];
  /** Time spent queued before its batch started, microseconds. */
  queueUs: number;
  /** Time its batch spent in the worker, microseconds. */
  computeUs: number;
  /** Total size of the batch it ran in (counting other requests). */
  batchSize: number;
}

/** Effective serving knobs of one loaded model version (model defaults < server config < flags). */
export interface ServingSettings {
  workers: number;
  intra_op_threads: number;
  /** ONNX Runtime's `session.intra_op.allow_spinning`; off when absent. */
  intra_op_spinning?: boolean;
  execution_provider: 'cpu' | 'cuda';
  /** 0 disables batching; capped at the model's own max_batch_size. */
  max_batch_size: number;
  max_batch_delay_us: number;
  preferred_batch_sizes: number[];
  max_queue_size: number;
  request_timeout_ms: number;
}

/** Observations the scheduler reports so the server can publish them as metrics. */
export interface SchedulerObserver {
  /**
   * `size`: the batch as the batcher counts it (each request 1 when batching is off); `inferences`:
   * the rows the worker ran, the sum of the requests' own batch dimensions.
   */
  onBatch?(info: { size: number; requests: number; computeUs: number; inferences: number }): void;
  onRequestDone?(info: { queueUs: number; computeUs: number; ok: boolean }): void;
  onWorkerExit?(info: { workerId: number; code: number | null; reason: string }): void;
}
