// One segment of a soak (the first run, or one --resume): a single open-loop runLoad for the whole
// remaining duration, with a timer that closes an interval at each boundary. One long loop, not a
// loop per interval: the schedule of intended send times never restarts, so the load never pauses
// or bunches at a boundary, and the connection pool is not torn down and rebuilt every interval.
// Each closed interval is sampled (memory, CPU, GPU) and journaled before the next is written.
import { detectLeak } from '../analyze/leak.ts';
import { runLoad } from '../load/engine.ts';
import { collectGarbageBeforeMeasuring } from '../load/quietHeap.ts';
import type { RequestTemplate } from '../load/types.ts';
import type { SystemSampler } from '../measure/systemSampler.ts';
import type { SystemSample } from '../contract/results.ts';
import type { RunSession } from '../runner/session.ts';
import { IntervalRecorder, type IntervalCounts } from './intervalRecorder.ts';
import type { IntervalSample, JournalRecord, JournalWriter } from './journal.ts';

export interface SegmentContext {
  segment: number;
  /** The soak's session: its running target, signal and events. */
  session: RunSession;
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
}

export type SegmentEnd = Extract<JournalRecord, { type: 'end' }>['reason'];

/** Live trend fits are thinned to this many points: an estimate for the watchers, not the verdict. */
const LIVE_FIT_POINTS = 300;

export async function runSegment(ctx: SegmentContext): Promise<{ reason: SegmentEnd; detail?: string; lastT: number }> {
  const { session } = ctx;
  const stop = new AbortController();
  const queue = journalQueue(() => stop.abort());
  let startMs = performance.now();
  const tAt = (perfMs: number) => ctx.t0 + (perfMs - startMs) / 1000;
  const sampler = session.systemSampler({
    runStartUs: 0,
    intervalMs: ctx.intervalS * 1000,
    gpu: ctx.gpu,
    onNote: (message) => queue.enqueue(() => ctx.journal.append({ type: 'note', t: tAt(performance.now()), message })),
  });
  await sampler.sampleOnce(); // primes the CPU readings: each interval's CPU is a rate over it
  const watch = watchStops(session, stop);

  collectGarbageBeforeMeasuring(); // before the first interval's clock starts
  startMs = performance.now();
  const intervals = new Intervals(ctx, sampler, startMs);
  const timer = intervalTimer(startMs, ctx.intervalS * 1000, () => queue.enqueue(intervals.close()));
  try {
    const summary = await runLoad({
      origin: session.target!.origin,
      load: { mode: 'open', rate: ctx.rate, max_in_flight: ctx.maxInFlight },
      extent: { duration_s: ctx.remainingS },
      nextRequest: ctx.nextRequest,
      timeoutMs: ctx.timeoutMs,
      sink: intervals.recorder,
      signal: stop.signal,
    });
    timer.cancel();
    if (intervals.recorder.pending > 0) queue.enqueue(intervals.close());
    if (summary.saturation) {
      const message = `generator saturated: results describe the client, not the server (${summary.saturation.reason})`;
      const t = tAt(performance.now());
      session.emit({ type: 'warning', atS: t, message });
      queue.enqueue(() => ctx.journal.append({ type: 'warning', t, message }));
    }
  } catch (err) {
    queue.fail(err as Error);
  } finally {
    timer.cancel();
    watch.dispose();
  }
  const failure = await queue.drained();
  const lastT = intervals.lastT;
  if (failure) return { reason: 'error', detail: failure.message, lastT };
  // Before the server's exit: Ctrl-C in a terminal reaches the server too, and it then drains and exits.
  if (session.signal.aborted) return { reason: 'interrupted', lastT };
  if (watch.serverExit) return { reason: 'server-exited', detail: `the server ${watch.serverExit}`, lastT };
  return { reason: 'duration', lastT };
}

/** Journal writes run one after another; one that fails makes the soak pointless: `onFailure` stops it. */
function journalQueue(onFailure: () => void) {
  let failure: Error | undefined;
  let chain: Promise<void> = Promise.resolve();
  const fail = (err: Error) => {
    failure ??= err;
    onFailure();
  };
  return {
    enqueue: (task: () => Promise<void>) => {
      chain = chain.then(task).catch(fail);
    },
    fail,
    drained: async () => {
      await chain;
      return failure;
    },
  };
}

/** Aborts the load on the session's stop request or the server's death (and says how it died). */
function watchStops(session: RunSession, stop: AbortController) {
  const onAbort = () => stop.abort();
  if (session.signal.aborted) stop.abort();
  session.signal.addEventListener('abort', onAbort);
  let stopping = false;
  const watch = {
    serverExit: undefined as string | undefined,
    dispose: () => {
      stopping = true;
      session.signal.removeEventListener('abort', onAbort);
    },
  };
  session.target?.server?.exited.then((exit) => {
    if (stopping) return;
    watch.serverExit = exit.signal ? `killed by ${exit.signal}${exit.signal === 'SIGKILL' ? ' (the OOM killer?)' : ''}` : `exited with code ${exit.code}`;
    stop.abort();
  });
  return watch;
}

/** Calls `onBoundary` at start + k * interval, not "interval after the last tick": no drift over hours. */
function intervalTimer(startMs: number, intervalMs: number, onBoundary: () => void): { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let k = 0;
  const schedule = () => {
    k++;
    timer = setTimeout(() => {
      onBoundary();
      schedule();
    }, Math.max(0, startMs + k * intervalMs - performance.now()));
  };
  schedule();
  return { cancel: () => clearTimeout(timer) };
}

const ms3 = (x: number) => Math.round(x * 1000) / 1000;

/** The segment's intervals: the recorder the load writes to, and each closed interval sampled, journaled and shown. */
class Intervals {
  readonly recorder = new IntervalRecorder();
  lastT: number;
  private boundaryMs: number;
  private readonly live: { t: number; bytes: number }[] = [];

  constructor(
    private readonly ctx: SegmentContext,
    private readonly sampler: SystemSampler,
    private readonly startMs: number,
  ) {
    this.boundaryMs = startMs;
    this.lastT = ctx.t0;
  }

  /** Closes the current interval now; returns its sampling and journaling, to queue behind the previous one's. */
  close(): () => Promise<void> {
    const nowMs = performance.now();
    const counts = this.recorder.rotate();
    const fromMs = this.boundaryMs;
    this.boundaryMs = nowMs;
    return () => this.write(counts, fromMs, nowMs);
  }

  private async write(counts: IntervalCounts, fromMs: number, toMs: number): Promise<void> {
    const sample = intervalSample(this.ctx, counts, await this.sampler.sampleOnce(), { fromMs, toMs, startMs: this.startMs });
    await this.ctx.journal.append({ type: 'sample', ...sample, histogram: counts.histogram });
    this.lastT = sample.t;
    if (!sample.warmup && sample.rss_bytes !== undefined) this.live.push({ t: sample.t, bytes: sample.rss_bytes });
    const fit = this.live.length >= 10 ? detectLeak(this.live, { warmupS: 0, thresholdMbPerHour: this.ctx.leakMbPerHour, maxPoints: LIVE_FIT_POINTS }) : undefined;
    this.ctx.session.emit({
      type: 'soak-interval', atS: sample.t, durationS: this.ctx.plannedS, p99Us: sample.p99_us, requests: sample.requests, errors: sample.errors,
      ...(sample.rss_bytes !== undefined ? { rssBytes: sample.rss_bytes } : {}),
      ...(sample.heap_used_bytes !== undefined ? { heapUsedBytes: sample.heap_used_bytes } : {}),
      ...(fit ? { rssSlopeMbPerHour: fit.slopeMbPerHour, leakVerdict: fit.verdict } : {}),
    });
  }
}

/** One journaled interval from its counts and the system sample taken at its end. */
function intervalSample(ctx: SegmentContext, counts: IntervalCounts, system: SystemSample, at: { fromMs: number; toMs: number; startMs: number }): IntervalSample {
  const gpuMib = system.gpus?.reduce((sum, g) => sum + (g.memory_used_mib ?? 0), 0);
  return {
    t: ms3(ctx.t0 + (at.toMs - at.startMs) / 1000),
    segment: ctx.segment,
    span_s: ms3((at.toMs - at.fromMs) / 1000),
    // An interval belongs to the warm-up when most of it lies there (robust to timer jitter).
    warmup: ((at.fromMs + at.toMs) / 2 - at.startMs) / 1000 < ctx.warmupS,
    load_s: ms3(ctx.loadBeforeS + (at.toMs - at.startMs) / 1000),
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
}
