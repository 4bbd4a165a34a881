// One open-loop rate step of a capacity search: the load engine at a fixed arrival rate for a few
// seconds, latency from the intended send time (LatencyRecorder), and the server's CPU and RSS
// over the step, summed over its process tree (/proc).
import { runLoad } from '../load/engine.ts';
import type { RequestTemplate } from '../load/types.ts';
import { LatencyRecorder, type PhaseMeasurements } from '../measure/latencyRecorder.ts';
import { readTreeUsage, treeCpuBetween } from '../measure/processTree.ts';
import type { SecondRow } from '../contract/results.ts';
import type { RunEventListener } from '../contract/events.ts';
import { emitSeconds } from '../runner/liveSeconds.ts';

export interface StepContext {
  origin: string;
  nextRequest: () => RequestTemplate;
  timeoutMs: number;
  maxInFlight: number;
  /** The server's Prometheus endpoint, when not `<origin>/metrics`. */
  metricsUrl?: string;
  /** The server's PID, when local: CPU and RSS are read for it. */
  serverPid?: number;
  /**
   * Read the main thread's CPU too: only servebench's own server runs its request path (HTTP,
   * decoding, batching) on its main thread; a JVM's or Triton's main thread is a bystander.
   */
  mainThreadIsEventLoop?: boolean;
  /** The run's clock origin (µs, performance.now()*1000), for per-second rows. */
  runStartUs: number;
  signal?: AbortSignal;
  /** The live view: each step shows as a phase with its seconds, as a run's phases do. */
  onEvent?: RunEventListener;
}

export interface StepMeasurement {
  rateRps: number;
  startedUs: number;
  durationS: number;
  measured: PhaseMeasurements;
  /** Answered 2xx per second, over the scheduled span or to the last answer, whichever is longer. */
  throughputRps: number;
  /** Every request that did not end ok (dropped included) over every request due. */
  errorRate: number;
  serverCpuPercent?: number;
  /** The server's main thread (its event loop), percent of one core; part of serverCpuPercent. */
  serverMainThreadCpuPercent?: number;
  serverRssBytes?: number;
  saturation?: { reason: string; maxLagMs: number; cpuPercent: number };
  rows: SecondRow[];
}

/**
 * CPU time between two reads as percent of one core over `wallMs`. Undefined when a read is
 * missing, or when the counter went backwards: the PID now names another process (the server
 * restarted between the reads), whose time says nothing of this step.
 */
function cpuPercent(beforeMs: number | undefined, afterMs: number | undefined, wallMs: number): number | undefined {
  if (beforeMs === undefined || afterMs === undefined || afterMs < beforeMs || !(wallMs > 0)) return undefined;
  return ((afterMs - beforeMs) / wallMs) * 100;
}

export async function measureRate(ctx: StepContext, rateRps: number, seconds: number, name: string): Promise<StepMeasurement> {
  const startedUs = performance.now() * 1000;
  const recorder = new LatencyRecorder({ phase: name, runStartUs: ctx.runStartUs, phaseStartUs: startedUs });
  const stopWatching = ctx.onEvent ? watchStep(ctx, recorder, { name, rateRps, seconds, startedUs }) : () => undefined;
  // The whole process tree: a launched server's work may run in its children (tritonserver, workers).
  const before = ctx.serverPid !== undefined ? await readTreeUsage(ctx.serverPid) : null;
  const wallBefore = performance.now();
  const summary = await runLoad({
    origin: ctx.origin,
    load: { mode: 'open', rate: rateRps, max_in_flight: ctx.maxInFlight },
    extent: { duration_s: seconds },
    nextRequest: ctx.nextRequest,
    timeoutMs: ctx.timeoutMs,
    sink: recorder,
    signal: ctx.signal,
  }).finally(stopWatching);
  const after = ctx.serverPid !== undefined ? await readTreeUsage(ctx.serverPid) : null;
  const wallMs = performance.now() - wallBefore;
  const treeCpuMs = before && after ? treeCpuBetween(before, after, ctx.serverPid!) : undefined;
  const serverCpu = treeCpuMs !== undefined ? cpuPercent(0, treeCpuMs, wallMs) : undefined;
  const rootBefore = before?.get(ctx.serverPid!);
  const rootAfter = after?.get(ctx.serverPid!);
  const serverRssBytes = after ? [...after.values()].reduce((sum, u) => sum + u.rssBytes, 0) : undefined;
  const mainThreadCpu = ctx.mainThreadIsEventLoop ? cpuPercent(rootBefore?.mainThreadCpuMs, rootAfter?.mainThreadCpuMs, wallMs) : undefined;
  const measured = recorder.phaseSummary();
  const due = Object.values(measured.requests.outcomes).reduce((a, b) => a + b, 0);
  // Over the span the schedule covered, or longer when answers trailed it (the server fell behind);
  // not over the nominal step, which a low rate's whole number of requests never fills.
  const elapsed = Math.max(summary.elapsedSeconds, due / rateRps);
  return {
    rateRps,
    startedUs,
    durationS: (performance.now() * 1000 - startedUs) / 1e6,
    measured,
    throughputRps: elapsed > 0 ? measured.requests.ok / elapsed : 0,
    errorRate: due > 0 ? (due - measured.requests.ok) / due : 1,
    ...(serverCpu !== undefined && serverRssBytes !== undefined ? { serverCpuPercent: serverCpu, serverRssBytes } : {}),
    ...(mainThreadCpu !== undefined ? { serverMainThreadCpuPercent: mainThreadCpu } : {}),
    ...(summary.saturation ? { saturation: summary.saturation } : {}),
    rows: recorder.secondRows(name, performance.now() * 1000),
  };
}

/** Tells the live view a step started, then its last second once a second; returns the stop. */
function watchStep(ctx: StepContext, recorder: LatencyRecorder, step: { name: string; rateRps: number; seconds: number; startedUs: number }): () => void {
  const emit = ctx.onEvent!;
  const rate = Math.round(step.rateRps * 10) / 10;
  emit({ type: 'phase-start', index: 0, total: 1, phase: { kind: 'steady', name: step.name, duration_s: step.seconds, thresholds: [], load: { mode: 'open', rate, max_in_flight: ctx.maxInFlight } }, plannedSeconds: step.seconds, atS: (step.startedUs - ctx.runStartUs) / 1e6 });
  return emitSeconds(recorder, { phase: step.name, runStartUs: ctx.runStartUs, emit });
}

/** A local server's resources over one step, as trial records and closing checks carry them. */
export interface ServerUsage {
  server_rss_bytes?: number;
  server_cpu_percent?: number;
  /** The server's main thread (its event loop), percent of one core; part of server_cpu_percent. */
  server_main_thread_cpu_percent?: number;
}

export function serverUsage(m: StepMeasurement): ServerUsage {
  const percent = (x: number): number => Math.round(x * 10) / 10;
  return {
    ...(m.serverRssBytes !== undefined ? { server_rss_bytes: m.serverRssBytes } : {}),
    ...(m.serverCpuPercent !== undefined ? { server_cpu_percent: percent(m.serverCpuPercent) } : {}),
    ...(m.serverMainThreadCpuPercent !== undefined ? { server_main_thread_cpu_percent: percent(m.serverMainThreadCpuPercent) } : {}),
  };
}
