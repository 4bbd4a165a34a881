// A coarse timeline of outcomes (100 ms buckets) kept beside the recorder for fault verdicts:
// when did the last success before a cut and the first after it happen. Bounded by duration.

export const BUCKET_US = 100_000;

export interface TimelineBucket {
  /** Bucket start, µs on the run clock. */
  startUs: number;
  /** By intended send time. */
  sent: number;
  failed: number;
  /** By completion time. */
  okCompleted: number;
}

/** What the timeline reads of a request sample (load/types.ts RequestSample). */
export interface TimedOutcome {
  intendedUs: number;
  endUs: number;
  outcome: string;
}

export class OutcomeTimeline {
  private readonly buckets = new Map<number, TimelineBucket>();

  record(sample: TimedOutcome): void {
    const sentBucket = this.bucket(sample.intendedUs);
    sentBucket.sent += 1;
    if (sample.outcome === 'ok') this.bucket(sample.endUs).okCompleted += 1;
    else sentBucket.failed += 1;
  }

  /** Buckets in time order, empty ones filled in between the first and last. */
  series(): TimelineBucket[] {
    if (this.buckets.size === 0) return [];
    const keys = [...this.buckets.keys()];
    const first = Math.min(...keys);
    const last = Math.max(...keys);
    const out: TimelineBucket[] = [];
    for (let k = first; k <= last; k++) out.push(this.buckets.get(k) ?? { startUs: k * BUCKET_US, sent: 0, failed: 0, okCompleted: 0 });
    return out;
  }

  private bucket(us: number): TimelineBucket {
    const key = Math.floor(us / BUCKET_US);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { startUs: key * BUCKET_US, sent: 0, failed: 0, okCompleted: 0 };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
