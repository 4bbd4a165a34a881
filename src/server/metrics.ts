// Prometheus metrics of one server instance (its own registry, so several servers can live in
// one test process). Names are the interface harnesses scrape: keep them stable.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

export interface ServerMetrics {
  registry: Registry;
  requests: Counter<'model' | 'version' | 'protocol' | 'code'>;
  errors: Counter<'model' | 'error_code'>;
  requestDuration: Histogram<'model' | 'protocol'>;
  queueDuration: Histogram<'model'>;
  computeDuration: Histogram<'model'>;
  batchSize: Histogram<'model'>;
  workerRestarts: Counter<'model'>;
}

export interface MetricsSources {
  /** Per loaded model version: its queue depth and live workers, read at scrape time. */
  models(): Iterable<{ model: string; version: string; queueDepth: number; liveWorkers: number }>;
  ready(): boolean;
  inflight(): number;
  leakedBytes(): number;
}

export function createServerMetrics(sources: MetricsSources): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  new Gauge({
    name: 'servebench_queue_depth',
    help: 'Requests waiting in the model queue (not yet dispatched to a worker)',
    labelNames: ['model', 'version'],
    registers,
    collect() {
      this.reset();
      for (const m of sources.models()) this.set({ model: m.model, version: m.version }, m.queueDepth);
    },
  });
  new Gauge({
    name: 'servebench_live_workers',
    help: 'Worker threads alive per model version',
    labelNames: ['model', 'version'],
    registers,
    collect() {
      this.reset();
      for (const m of sources.models()) this.set({ model: m.model, version: m.version }, m.liveWorkers);
    },
  });
  new Gauge({
    name: 'servebench_ready',
    help: '1 while the server accepts inference requests, 0 while starting or draining',
    registers,
    collect() {
      this.set(sources.ready() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'servebench_inflight_requests',
    help: 'Inference requests accepted and not yet answered',
    registers,
    collect() {
      this.set(sources.inflight());
    },
  });
  new Gauge({
    name: 'servebench_fault_leaked_bytes',
    help: 'Bytes retained by the memory-leak fault',
    registers,
    collect() {
      this.set(sources.leakedBytes());
    },
  });

  return {
    registry,
    requests: new Counter({ name: 'servebench_requests_total', help: 'Inference requests by model, protocol and HTTP status code', labelNames: ['model', 'version', 'protocol', 'code'], registers }),
    errors: new Counter({ name: 'servebench_errors_total', help: 'Failed inference requests by error code', labelNames: ['model', 'error_code'], registers }),
    requestDuration: new Histogram({ name: 'servebench_request_duration_seconds', help: 'Inference request time in the server, decode to encode', labelNames: ['model', 'protocol'], buckets: LATENCY_BUCKETS_S, registers }),
    queueDuration: new Histogram({ name: 'servebench_queue_duration_seconds', help: 'Time a request waited in the model queue', labelNames: ['model'], buckets: LATENCY_BUCKETS_S, registers }),
    computeDuration: new Histogram({ name: 'servebench_compute_duration_seconds', help: 'Time the request\'s batch spent in the worker', labelNames: ['model'], buckets: LATENCY_BUCKETS_S, registers }),
    batchSize: new Histogram({ name: 'servebench_batch_size', help: 'Size of the batches run by the workers', labelNames: ['model'], buckets: BATCH_BUCKETS, registers }),
    workerRestarts: new Counter({ name: 'servebench_worker_restarts_total', help: 'Workers replaced after exiting or failing', labelNames: ['model'], registers }),
  };
}
