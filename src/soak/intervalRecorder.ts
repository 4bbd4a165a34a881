// The soak's SampleSink: every finished request lands in the current interval (by completion
// time, like the run's per-second rows); rotate() closes the interval at its boundary and opens
// the next at once, so the open loop never pauses. Memory is one histogram per interval, reused.
import { createLatencyHistogram, encodeHistogram, recordLatency, summarize, type Histogram } from '../analyze/latency.ts';
import type { RequestSample, SampleSink } from '../load/types.ts';

export interface IntervalCounts {
  /** Requests sent that ended in the interval (dropped ones were never sent: they are in outcomes only). */
  requests: number;
  ok: number;
  /** Count per outcome other than ok. */
  outcomes: Record<string, number>;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  max_us: number;
  /** The interval's latencies (µs, from the intended send time), HdrHistogram compressed base64. */
  histogram: string;
}

export class IntervalRecorder implements SampleSink {
  private current: Histogram = createLatencyHistogram();
  private spare: Histogram = createLatencyHistogram();
  private requests = 0;
  private dropped = 0;
  private ok = 0;
  private outcomes: Record<string, number> = {};

  record(sample: RequestSample): void {
    if (sample.outcome === 'ok') this.ok++;
    else this.outcomes[sample.outcome] = (this.outcomes[sample.outcome] ?? 0) + 1;
    // A dropped request never ran: it has no latency. Errors keep theirs: a user waited that long.
    if (sample.outcome === 'dropped') {
      this.dropped++;
      return;
    }
    this.requests++;
    recordLatency(this.current, sample.endUs - sample.intendedUs);
  }

  /** Samples (dropped ones included) recorded since the last rotate(). */
  get pending(): number {
    return this.requests + this.dropped;
  }

  /** Closes the interval: its counts and histogram; the next interval starts empty. */
  rotate(): IntervalCounts {
    const closed = this.current;
    this.current = this.spare;
    const latency = summarize(closed);
    const counts: IntervalCounts = {
      requests: this.requests,
      ok: this.ok,
      outcomes: this.outcomes,
      p50_us: latency.p50,
      p90_us: latency.p90,
      p99_us: latency.p99,
      max_us: latency.max,
      histogram: encodeHistogram(closed),
    };
    closed.reset();
    this.spare = closed;
    this.requests = 0;
    this.dropped = 0;
    this.ok = 0;
    this.outcomes = {};
    return counts;
  }
}
