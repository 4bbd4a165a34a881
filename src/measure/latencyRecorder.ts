// Records one phase's samples: latency from the *intended* send time (coordinated-omission
// correct, as wrk2), outcome counts per phase / second / request class, and per-second rows.
// Memory is bounded by time, not requests: one histogram for the phase, one per open second.
import type { RequestSample, SampleSink } from '../load/types.ts';
import type { LatencySummary, PhaseResult, SecondRow } from '../contract/results.ts';
import { createLatencyHistogram, encodeHistogram, recordLatency, summarize, type Histogram } from '../analyze/latency.ts';

export interface LatencyRecorderOptions {
  phase: string;
  /** The run's start on the samples' clock (µs, performance.now()*1000): rows' t counts from it. */
  runStartUs: number;
  /** When the phase started (same clock): rows start at its second even if nothing ended in it. */
  phaseStartUs?: number;
  /** The same clock, for snapshot(); default performance.now()*1000. */
  nowUs?: () => number;
  /** Keep each second's encoded histogram in its row (SecondRow.histogram), for an exact merge of agents. */
  secondHistograms?: boolean;
}

/** The measured parts of a PhaseResult (the runner adds name, timing, load, throughput...). */
export type PhaseMeasurements = Pick<PhaseResult, 'requests' | 'latency_us' | 'histogram'>;

/** What the live dashboard shows; cheap enough to take every second. */
export interface LiveSnapshot {
  phase: string;
  /** The last second that is over (a zero row when nothing ended in it); null before one is. */
  last: SecondRow | null;
  /** Requests that ended in that second. */
  ratePerSecond: number;
  /** Over the phase so far. */
  latency_us: LatencySummary;
  sent: number;
  ok: number;
  /** Outcomes other than ok, over the phase so far. */
  errors: Record<string, number>;
  /** requestClass -> outcome -> count, over the phase so far. */
  by_class: Record<string, Record<string, number>>;
}

/** Samples ending in the last second may still be delivered a little after it ends. */
const LATE_GRACE_US = 200_000;

interface SecondBucket {
  t: number;
  requests: number;
  ok: number;
  errors: Record<string, number>;
  /** Live while the second is open; null once folded into `closed`. */
  histogram: Histogram | null;
  closed: SecondLatency | null;
}

type SecondLatency = Pick<SecondRow, 'p50_us' | 'p90_us' | 'p99_us' | 'max_us' | 'histogram'>;

export class LatencyRecorder implements SampleSink {
  readonly phase: string;
  private readonly runStartUs: number;
  private readonly nowUs: () => number;
  private readonly secondHistograms: boolean;
  private readonly histogram = createLatencyHistogram();
  private readonly seconds = new Map<number, SecondBucket>();
  /** Buckets whose histogram is still live. */
  private open: SecondBucket[] = [];
  /** Reset histograms of closed seconds, reused for new ones. */
  private readonly spare: Histogram[] = [];
  private readonly outcomes: Record<string, number> = {};
  private readonly byClass: Record<string, Record<string, number>> = {};
  private sent = 0;
  private firstSecond = Number.POSITIVE_INFINITY;
  private lastSecond = Number.NEGATIVE_INFINITY;
  /** Seconds below this are closed (their histograms summarised and recycled). */
  private openFrom = Number.NEGATIVE_INFINITY;
  /** Samples that arrived after their second was closed: counted, but not in that row's percentiles. */
  lateSamples = 0;

  constructor(options: LatencyRecorderOptions) {
    this.phase = options.phase;
    this.runStartUs = options.runStartUs;
    this.nowUs = options.nowUs ?? (() => performance.now() * 1000);
    this.secondHistograms = options.secondHistograms ?? false;
    if (options.phaseStartUs !== undefined) this.firstSecond = this.secondOf(options.phaseStartUs);
  }

  record(sample: RequestSample): void {
    const { outcome } = sample;
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
    const perClass = (this.byClass[sample.requestClass] ??= {});
    perClass[outcome] = (perClass[outcome] ?? 0) + 1;

    const t = this.secondOf(sample.endUs);
    const bucket = this.bucket(t);
    if (outcome === 'ok') bucket.ok++;
    else bucket.errors[outcome] = (bucket.errors[outcome] ?? 0) + 1;
    // A dropped request never ran: it has no latency, and is not a request sent in that second.
    if (outcome === 'dropped') return;

    this.sent++;
    bucket.requests++;
    const latencyUs = sample.endUs - sample.intendedUs;
    recordLatency(this.histogram, latencyUs);
    if (bucket.histogram) recordLatency(bucket.histogram, latencyUs);
    else this.lateSamples++;
    // Samples arrive in completion order, so a second two behind the newest will see no more.
    this.closeBefore(t - 1);
  }

  /** The live phase histogram (µs); merge it for totals without a decode round trip. */
  phaseHistogram(): Histogram {
    return this.histogram;
  }

  /**
   * `sent`: requests that were sent and ended (any outcome but dropped; the engine's own count
   * also has those still in flight when the phase stopped). `completed`: those answered with an
   * HTTP status (ok or status_*). The latency histogram holds every sent one, errors included,
   * so timeouts weigh on the percentiles as they would on a user.
   */
  phaseSummary(): PhaseMeasurements {
    let answered = 0;
    for (const [outcome, count] of Object.entries(this.outcomes)) {
      if (outcome === 'ok' || outcome.startsWith('status_')) answered += count;
    }
    return {
      requests: {
        sent: this.sent,
        completed: answered,
        ok: this.outcomes.ok ?? 0,
        outcomes: { ...this.outcomes },
        by_class: cloneCounts(this.byClass),
      },
      latency_us: summarize(this.histogram),
      histogram: encodeHistogram(this.histogram),
    };
  }

  /**
   * One row per second, gaps (a stalled server) as zero rows: from the phase start (or the first
   * sample) to the last sample, or to `endUs` when given (so a silent tail shows too).
   */
  secondRows(phaseName: string = this.phase, endUs?: number): SecondRow[] {
    const last = endUs === undefined ? this.lastSecond : Math.max(this.lastSecond, this.secondOf(endUs));
    const rows: SecondRow[] = [];
    for (let t = this.firstSecond; t <= last; t++) rows.push(this.row(t, phaseName));
    return rows;
  }

  snapshot(): LiveSnapshot {
    const current = this.secondOf(this.nowUs() - LATE_GRACE_US);
    this.closeBefore(current);
    const lastT = current - 1;
    const last = lastT >= this.firstSecond ? this.row(lastT, this.phase) : null;
    const errors: Record<string, number> = {};
    for (const [outcome, count] of Object.entries(this.outcomes)) if (outcome !== 'ok') errors[outcome] = count;
    return {
      phase: this.phase,
      last,
      ratePerSecond: last?.requests ?? 0,
      latency_us: summarize(this.histogram),
      sent: this.sent,
      ok: this.outcomes.ok ?? 0,
      errors,
      by_class: cloneCounts(this.byClass),
    };
  }

  /** Per-second histograms still held (at most the two newest seconds while recording). */
  get retainedSecondHistograms(): number {
    return this.open.length;
  }

  private secondOf(us: number): number {
    return Math.floor((us - this.runStartUs) / 1_000_000);
  }

  private bucket(t: number): SecondBucket {
    let bucket = this.seconds.get(t);
    if (!bucket) {
      const histogram = t >= this.openFrom ? (this.spare.pop() ?? createLatencyHistogram()) : null;
      const closed = histogram ? null : { p50_us: 0, p90_us: 0, p99_us: 0, max_us: 0 };
      bucket = { t, requests: 0, ok: 0, errors: {}, histogram, closed };
      this.seconds.set(t, bucket);
      if (histogram) this.open.push(bucket);
      this.firstSecond = Math.min(this.firstSecond, t);
      this.lastSecond = Math.max(this.lastSecond, t);
    }
    return bucket;
  }

  /** Folds every open second before `t` into its percentiles and recycles its histogram. */
  private closeBefore(t: number): void {
    if (t <= this.openFrom) return;
    const stillOpen: SecondBucket[] = [];
    for (const bucket of this.open) {
      if (bucket.t >= t) {
        stillOpen.push(bucket);
        continue;
      }
      bucket.closed = this.latencyOf(bucket.histogram!);
      bucket.histogram!.reset();
      this.spare.push(bucket.histogram!);
      bucket.histogram = null;
    }
    this.open = stillOpen;
    this.openFrom = t;
  }

  private latencyOf(histogram: Histogram): SecondLatency {
    return this.secondHistograms ? { ...percentiles(histogram), histogram: encodeHistogram(histogram) } : percentiles(histogram);
  }

  private row(t: number, phase: string): SecondRow {
    const bucket = this.seconds.get(t);
    if (!bucket) return { t, phase, requests: 0, ok: 0, errors: {}, p50_us: 0, p90_us: 0, p99_us: 0, max_us: 0 };
    const latency = bucket.histogram ? this.latencyOf(bucket.histogram) : bucket.closed!;
    return { t, phase, requests: bucket.requests, ok: bucket.ok, errors: { ...bucket.errors }, ...latency };
  }
}

function percentiles(histogram: Histogram): Pick<SecondRow, 'p50_us' | 'p90_us' | 'p99_us' | 'max_us'> {
  const s = summarize(histogram);
  return { p50_us: s.p50, p90_us: s.p90, p99_us: s.p99, max_us: s.max };
}

function cloneCounts(counts: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, { ...v }]));
}
