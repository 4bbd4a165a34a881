// One segment of a soak (the first run, or one --resume): a single open-loop runLoad for the whole
// remaining duration, with a timer that closes an interval at each boundary. One long loop, not a
// loop per interval: the schedule of intended send times never restarts, so the load never pauses
// or bunches at a boundary, and the connection pool is not torn down and rebuilt every interval.
// Each closed interval is sampled (memory, CPU, GPU) and journaled before the next is written.
import { detectLeak } from '../analyze/leak.ts';
import { runLoad } from '../load/engine.ts';
import { collectGarbageBeforeMeasuring } from '../load/quietHeap.ts';
import type { RequestTemplate } from '../load/types.ts';
import { SystemSampler } from '../measure/systemSampler.ts';
import type { RunEventListener } from '../contract/events.ts';
import type { RunningTarget } from '../runner/target.ts';
import { IntervalRecorder, type IntervalCounts } from './intervalRecorder.ts';
import type { IntervalSample, JournalRecord, JournalWriter } from './journal.ts';

export interface SegmentContext {
  segment: number;
  target: RunningTarget;
  nextRequest: () => RequestTemplate;
  rate: number;
  maxInFlight: number;
  timeoutMs: number;
  intervalS: number;
  warmupS: number;
  plannedS: number;
  /** Seconds of load this segment holds. */
  remainingS: number;
  /** Load seconds held by earlier segments. */
  loadBeforeS: number;
  /** The soak's t (seconds since it first started) at this segment's start. */
  t0: number;
  /** The rss_slope limit, for the live verdict. */
  leakMbPerHour: number;
  gpu: boolean;
  journal: JournalWriter;
  signal: AbortSignal;
  onEvent?: RunEventListener;
}

export type SegmentEnd = Extract<JournalRecord, { type: 'end' }>['reason'];

/** Live trend fits are thinned to this many points: an estimate for the watchers, not the verdict. */
const LIVE_FIT_POINTS = 300;

export async function runSegment(ctx: SegmentContext): Promise<{ reason: SegmentEnd; detail?: string; lastT: number }> {
  const recorder = new IntervalRecorder();
  const stop = new AbortController();
  let failure: Error | undefined;
  let chain: Promise<void> = Promise.resolve();
  /** Journal writes run one after another; one that fails makes the soak pointless: stop it. */
  const enqueue = (task: () => Promise<void>) => {
    chain = chain.then(task).catch((err: Error) => {
      failure ??= err;
      stop.abort();
    });
  };
  let startMs = performance.now();
  const tAt = (perfMs: number) => ctx.t0 + (perfMs - startMs) / 1000;
  const emitWarning = (message: string, perfMs = performance.now()) => {
    ctx.onEvent?.({ type: 'warning', atS: tAt(perfMs), message });
    enqueue(() => ctx.journal.append({ type: 'warning', t: tAt(perfMs), message }));
  };
  const sampler = new SystemSampler({
    runStartUs: 0,
    intervalMs: ctx.intervalS * 1000,
    serverPid: ctx.target.pid,
    metricsUrl: ctx.target.metricsUrl,
    gpu: ctx.gpu,
    onNote: (message) => enqueue(() => ctx.journal.append({ type: 'note', t: tAt(performance.now()), message })),
  });
  await sampler.sampleOnce(); // primes the CPU readings: each interval's CPU is a rate over it

  const onAbort = () => stop.abort();
  if (ctx.signal.aborted) stop.abort();
  ctx.signal.addEventListener('abort', onAbort);
  let serverExit: string | undefined;
  let stopping = false;
  ctx.target.server?.exited.then((exit) => {
    if (stopping) return;
    serverExit = exit.signal ? `killed by ${exit.signal}${exit.signal === 'SIGKILL' ? ' (the OOM killer?)' : ''}` : `exited with code ${exit.code}`;
    stop.abort();
  });

  collectGarbageBeforeMeasuring(); // before the first interval's clock starts
  startMs = performance.now();
  let boundaryMs = startMs;
  let lastT = ctx.t0;
  const live: { t: number; bytes: number }[] = [];

  const write = async (counts: IntervalCounts, fromMs: number, toMs: number): Promise<void> => {
    const system = await sampler.sampleOnce();
    const ms3 = (x: number) => Math.round(x * 1000) / 1000;
    const t = ms3(tAt(toMs));
    const gpuMib = system.gpus?.reduce((sum, g) => sum + (g.memory_used_mib ?? 0), 0);
    const sample: IntervalSample = {
      t,
      segment: ctx.segment,
      span_s: ms3((toMs - fromMs) / 1000),
      // An interval belongs to the warm-up when most of it lies there (robust to timer jitter).
      warmup: ((fromMs + toMs) / 2 - startMs) / 1000 < ctx.warmupS,
      load_s: ms3(ctx.loadBeforeS + (toMs - startMs) / 1000),
      rss_bytes: system.server_rss_bytes,
      heap_used_bytes: system.server_heap_used_bytes,
      external_bytes: system.server_external_bytes,
      cpu_percent: system.server_cpu_percent,
      gpu_memory_used_mib: gpuMib,
      requests: counts.requests,
      ok: counts.ok,
      errors: Object.values(counts.outcomes).reduce((a, b) => a + b, 0),
      outcomes: counts.outcomes,
      p50_us: counts.p50_us,
      p90_us: counts.p90_us,
      p99_us: counts.p99_us,
      max_us: counts.max_us,
      harness_rss_bytes: system.loadgen_rss_bytes,
      harness_cpu_percent: system.loadgen_cpu_percent,
      machine_cpu_percent: system.machine_cpu_percent,
    };
    await ctx.journal.append({ type: 'sample', ...sample, histogram: counts.histogram });
    lastT = t;
    if (!sample.warmup && sample.rss_bytes !== undefined) live.push({ t, bytes: sample.rss_bytes });
    const fit = live.length >= 10 ? detectLeak(live, { warmupS: 0, thresholdMbPerHour: ctx.leakMbPerHour, maxPoints: LIVE_FIT_POINTS }) : undefined;
    ctx.onEvent?.({
      type: 'soak-interval', atS: t, durationS: ctx.plannedS, p99Us: sample.p99_us, requests: sample.requests, errors: sample.errors,
      ...(sample.rss_bytes !== undefined ? { rssBytes: sample.rss_bytes } : {}),
      ...(sample.heap_used_bytes !== undefined ? { heapUsedBytes: sample.heap_used_bytes } : {}),
      ...(fit ? { rssSlopeMbPerHour: fit.slopeMbPerHour, leakVerdict: fit.verdict } : {}),
    });
  };

  /** Closes the current interval now; its sampling and journaling queue behind the previous one's. */
  const closeInterval = () => {
    const nowMs = performance.now();
    const counts = recorder.rotate();
    const fromMs = boundaryMs;
    boundaryMs = nowMs;
    enqueue(() => write(counts, fromMs, nowMs));
  };

  let timer: NodeJS.Timeout | undefined;
  let k = 0;
  const schedule = () => {
    k++;
    // Boundaries at start + k * interval, not "interval after the last tick": no drift over hours.
    timer = setTimeout(() => {
      closeInterval();
      schedule();
    }, Math.max(0, startMs + k * ctx.intervalS * 1000 - performance.now()));
  };
  schedule();

  try {
    const summary = await runLoad({
      origin: ctx.target.origin,
      load: { mode: 'open', rate: ctx.rate, max_in_flight: ctx.maxInFlight },
      extent: { duration_s: ctx.remainingS },
      nextRequest: ctx.nextRequest,
      timeoutMs: ctx.timeoutMs,
      sink: recorder,
      signal: stop.signal,
    });
    clearTimeout(timer);
    if (recorder.pending > 0) closeInterval();
    if (summary.saturation) emitWarning(`generator saturated: results describe the client, not the server (${summary.saturation.reason})`);
  } catch (err) {
    failure ??= err as Error;
  } finally {
    clearTimeout(timer);
    stopping = true;
    ctx.signal.removeEventListener('abort', onAbort);
  }
  await chain;
  if (failure) return { reason: 'error', detail: failure.message, lastT };
  // Before the server's exit: Ctrl-C in a terminal reaches the server too, and it then drains and exits.
  if (ctx.signal.aborted) return { reason: 'interrupted', lastT };
  if (serverExit) return { reason: 'server-exited', detail: `the server ${serverExit}`, lastT };
  return { reason: 'duration', lastT };
}
