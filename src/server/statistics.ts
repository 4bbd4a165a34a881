// Per-model inference statistics in the shape of Triton's statistics extension
// (GET /v2/models[/{m}[/versions/{v}]]/stats), so Triton's clients (perf_analyzer's server-side
// columns, tritonclient's get_inference_statistics) can read them. Counters only grow, for the life
// of the server, across reloads of a version: clients take the difference of two readings.
//
// What each field holds here:
// - success / fail: requests answered by the scheduler path (faults, queue, worker), with their time
//   from entering it to its result; decode and encode of the HTTP body are outside, as in Triton.
// - queue: successful requests' wait in the model queue.
// - compute_infer: the time of the request's batch in the worker (ONNX Runtime tensors in, run,
//   outputs out). servebench does not time input and output copies apart from that run, so
//   compute_input and compute_output count every request with 0 ns (perf_analyzer needs the three
//   counts equal).
// - inference_count / execution_count / batch_stats: per batch the worker ran.

export interface Duration {
  count: number;
  ns: number;
}

export interface TritonModelStatistics {
  name: string;
  version: string;
  /** Milliseconds since the epoch of the last successful inference; 0 before any. */
  last_inference: number;
  inference_count: number;
  execution_count: number;
  inference_stats: Record<'success' | 'fail' | 'queue' | 'compute_input' | 'compute_infer' | 'compute_output' | 'cache_hit' | 'cache_miss', Duration>;
  batch_stats: { batch_size: number; compute_input: Duration; compute_infer: Duration; compute_output: Duration }[];
}

const zero = (): Duration => ({ count: 0, ns: 0 });

class ModelCounters {
  lastInference = 0;
  inferences = 0;
  executions = 0;
  readonly success = zero();
  readonly fail = zero();
  readonly queue = zero();
  readonly computeInfer = zero();
  /** Batch size -> executions of that size and their worker time. */
  readonly batches = new Map<number, Duration>();
}

function add(d: Duration, ns: number): void {
  d.count++;
  d.ns += Math.max(0, Math.round(ns));
}

export class InferenceStatistics {
  private readonly models = new Map<string, ModelCounters>();

  private counters(model: string, version: string): ModelCounters {
    const key = `${model}\u0000${version}`;
    let c = this.models.get(key);
    if (!c) this.models.set(key, (c = new ModelCounters()));
    return c;
  }

  /** One request's outcome; queue and compute times only when it succeeded. */
  requestDone(model: string, version: string, r: { ok: boolean; durationUs: number; queueUs?: number; computeUs?: number }): void {
    const c = this.counters(model, version);
    if (!r.ok) {
      add(c.fail, r.durationUs * 1000);
      return;
    }
    add(c.success, r.durationUs * 1000);
    add(c.queue, (r.queueUs ?? 0) * 1000);
    add(c.computeInfer, (r.computeUs ?? 0) * 1000);
    c.lastInference = Date.now();
  }

  /** One batch run by a worker: `size` inferences (the sum of its requests' own batch dimensions). */
  batchDone(model: string, version: string, b: { size: number; computeUs: number }): void {
    const c = this.counters(model, version);
    c.executions++;
    c.inferences += b.size;
    let d = c.batches.get(b.size);
    if (!d) c.batches.set(b.size, (d = zero()));
    add(d, b.computeUs * 1000);
  }

  /** Triton's model_stats entry for one model version (all zero before its first request). */
  snapshot(model: string, version: string): TritonModelStatistics {
    const c = this.models.get(`${model}\u0000${version}`) ?? new ModelCounters();
    const copy = (d: Duration): Duration => ({ count: d.count, ns: d.ns });
    // Input and output copies are inside compute_infer: counted, with no time of their own.
    const uncounted = (d: Duration): Duration => ({ count: d.count, ns: 0 });
    return {
      name: model,
      version,
      last_inference: c.lastInference,
      inference_count: c.inferences,
      execution_count: c.executions,
      inference_stats: {
        success: copy(c.success),
        fail: copy(c.fail),
        queue: copy(c.queue),
        compute_input: uncounted(c.computeInfer),
        compute_infer: copy(c.computeInfer),
        compute_output: uncounted(c.computeInfer),
        cache_hit: zero(),
        cache_miss: zero(),
      },
      batch_stats: [...c.batches.entries()]
        .sort(([a], [b]) => a - b)
        .map(([size, d]) => ({ batch_size: size, compute_input: uncounted(d), compute_infer: copy(d), compute_output: uncounted(d) })),
    };
  }
}
