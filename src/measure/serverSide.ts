// The server's own view of a phase, from the scrapes at its start and end: where time went (queue
// vs compute), how big the batches were, what it answered. Each server names these its own way
// (a dialect); the first dialect whose metrics the scrape holds reads it, and says what its server
// does not expose. A server with none of them gives an empty summary, not an error.
import type { ServerSideSummary } from '../contract/results.ts';
import type { PromExposition } from './prometheusText.ts';
import { histogramMean, increase, selectSamples } from './serverMetrics.ts';

export interface ServerSideOptions {
  /** Only this model's series (each dialect knows its model label). */
  model?: string;
}

interface Dialect {
  source: NonNullable<ServerSideSummary['source']>;
  /** A sample name only this server exposes. */
  marker: string;
  summarize(before: PromExposition, after: PromExposition, model: string | undefined): ServerSideSummary;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The increases of one counter per value of `label` (zeros left out); undefined when the series does not exist. */
function increaseBy(before: PromExposition, after: PromExposition, name: string, label: string, filter: Record<string, string>): Record<string, number> | undefined {
  const values = new Set(selectSamples(after, name, filter).map((s) => s.labels[label] ?? ''));
  if (values.size === 0) return undefined;
  const by: Record<string, number> = {};
  for (const value of [...values].sort()) {
    const delta = increase(before, after, name, { ...filter, [label]: value });
    if (delta) by[value] = delta;
  }
  return by;
}

const servebench: Dialect = {
  source: 'servebench',
  marker: 'servebench_requests_total',
  summarize(before, after, model) {
    const filter: Record<string, string> = model ? { model } : {};
    const summary: ServerSideSummary = { source: 'servebench' };
    const queueS = histogramMean(before, after, 'servebench_queue_duration_seconds', filter);
    const computeS = histogramMean(before, after, 'servebench_compute_duration_seconds', filter);
    const batch = histogramMean(before, after, 'servebench_batch_size', filter);
    if (queueS !== undefined) summary.queue_mean_us = round1(queueS * 1e6);
    if (computeS !== undefined) summary.compute_mean_us = round1(computeS * 1e6);
    if (batch !== undefined) summary.batch_size_mean = round3(batch);
    const byCode = increaseBy(before, after, 'servebench_requests_total', 'code', filter);
    if (byCode) summary.requests_by_code = byCode;
    return summary;
  },
};

/** Triton's cumulative per-model counters: durations summed over requests, executions vs inferences. */
const triton: Dialect = {
  source: 'triton',
  marker: 'nv_inference_request_success',
  summarize(before, after, model) {
    const filter: Record<string, string> = model ? { model } : {};
    const delta = (name: string) => increase(before, after, name, filter);
    const summary: ServerSideSummary = { source: 'triton', missing: ['requests by HTTP status (Triton counts successes, and failures by reason)'] };
    const succeeded = delta('nv_inference_request_success') ?? 0;
    const failures = increaseBy(before, after, 'nv_inference_request_failure', 'reason', filter) ?? {};
    // Triton adds to its duration counters for successful requests only.
    const requests = succeeded;
    if (requests > 0) {
      const queue = delta('nv_inference_queue_duration_us');
      const compute = ['input', 'infer', 'output'].map((part) => delta(`nv_inference_compute_${part}_duration_us`));
      const whole = delta('nv_inference_request_duration_us');
      if (queue !== undefined) summary.queue_mean_us = round1(queue / requests);
      if (whole !== undefined) summary.request_mean_us = round1(whole / requests);
      if (compute.every((c) => c !== undefined)) summary.compute_mean_us = round1(compute.reduce((a, b) => a! + b!, 0)! / requests);
    }
    const inferences = delta('nv_inference_count');
    const executions = delta('nv_inference_exec_count');
    if (inferences !== undefined && executions) summary.batch_size_mean = round3(inferences / executions);
    summary.requests_by_outcome = { success: succeeded, ...Object.fromEntries(Object.entries(failures).map(([reason, n]) => [`failure_${reason}`, n])) };
    return summary;
  },
};

/**
 * MLServer counts requests and their whole duration (queue, hand-off to a worker and compute
 * together). Batch rows and compute time come from the histograms our ONNX runtime adapter
 * (peers/mlserver/runtime.py) registers, since MLServer itself has none.
 */
const mlserver: Dialect = {
  source: 'mlserver',
  marker: 'model_infer_request_success_total',
  summarize(before, after, model) {
    const filter: Record<string, string> = model ? { model } : {};
    const summary: ServerSideSummary = { source: 'mlserver', missing: ['queue wait (MLServer has no queue-time metric; request_mean_us includes it)', 'requests by HTTP status'] };
    const succeeded = increase(before, after, 'model_infer_request_success_total', filter) ?? 0;
    const failed = increase(before, after, 'model_infer_request_failure_total', filter) ?? 0;
    summary.requests_by_outcome = { success: succeeded, failure: failed };
    const requestS = histogramMean(before, after, 'model_infer_request_duration', filter);
    if (requestS !== undefined) summary.request_mean_us = round1(requestS * 1e6);
    const computeS = histogramMean(before, after, 'servebench_onnx_run_seconds', filter);
    const rows = histogramMean(before, after, 'servebench_onnx_batch_rows', filter);
    if (computeS !== undefined) summary.compute_mean_us = round1(computeS * 1e6);
    if (rows !== undefined) summary.batch_size_mean = round3(rows);
    if (computeS === undefined || rows === undefined) summary.missing!.push('batch size and compute time (a runtime other than peers/mlserver/runtime.py exposes none)');
    return summary;
  },
};

/**
 * TorchServe sums each request's whole latency and its queue wait (which includes waiting for the
 * batch to fill); compute is the rest. Batch sizes come from the counters our handler
 * (peers/torchserve/handler.py) adds, since TorchServe has none. Its 2XX/4XX/5XX counters are
 * host-wide (every API), so they are shown by class, not as this model's answers.
 */
const torchserve: Dialect = {
  source: 'torchserve',
  marker: 'ts_inference_requests_total',
  summarize(before, after, model) {
    const delta = (name: string, filter: Record<string, string>) => increase(before, after, name, filter);
    const byModel: Record<string, string> = model ? { model_name: model } : {};
    const summary: ServerSideSummary = { source: 'torchserve', missing: ['compute time as such (TorchServe keeps only the last batch\'s; compute_mean_us is request minus queue time)'] };
    const requests = delta('ts_inference_requests_total', byModel) ?? 0;
    const latency = delta('ts_inference_latency_microseconds', byModel);
    const queue = delta('ts_queue_latency_microseconds', byModel);
    if (requests > 0 && latency !== undefined && queue !== undefined) {
      summary.request_mean_us = round1(latency / requests);
      summary.queue_mean_us = round1(queue / requests);
      summary.compute_mean_us = round1(Math.max(0, latency - queue) / requests);
    }
    const handlerFilter: Record<string, string> = model ? { ModelName: model } : {};
    const batches = delta('HandlerBatches', handlerFilter);
    const rows = delta('HandlerBatchRequests', handlerFilter);
    // Requests per batch: rows when each request carries one sample, as servebench's payloads do.
    if (batches && rows !== undefined) summary.batch_size_mean = round3(rows / batches);
    else summary.missing!.push('batch size (a handler other than peers/torchserve/handler.py reports none)');
    const byClass = Object.fromEntries(['2XX', '4XX', '5XX'].flatMap((c) => {
      const n = delta(`Requests${c}`, {});
      return n ? [[c.toLowerCase(), n]] : [];
    }));
    summary.requests_by_outcome = { requests, ...Object.fromEntries(Object.entries(byClass).map(([c, n]) => [`host_${c}`, n])) };
    return summary;
  },
};

const DIALECTS: readonly Dialect[] = [servebench, triton, mlserver, torchserve];

export function summarizeServerSide(before: PromExposition, after: PromExposition, options: ServerSideOptions = {}): ServerSideSummary {
  const dialect = DIALECTS.find((d) => after.samples.some((s) => s.name === d.marker));
  return dialect ? dialect.summarize(before, after, options.model) : {};
}
