// Dynamic batcher policy (Triton's dynamic_batching), pure: it holds the pending queue of one
// model version and decides what to dispatch; time is passed in and timers live in the scheduler.
import type { Tensor } from './codec/tensor.ts';

export interface BatcherSettings {
  /** 0 or 1: every request runs alone, without waiting. */
  maxBatchSize: number;
  /** How long the oldest request may wait for company before what there is is dispatched. */
  maxBatchDelayUs: number;
  /** Batch sizes worth dispatching at once, without waiting for the delay. */
  preferredBatchSizes: readonly number[];
}

/** What the batcher needs to know about a queued request. */
export interface Pending {
  /** Rows the request contributes (its batch dim); a request that carries a batch of 4 counts 4. */
  size: number;
  /** Requests are stacked only with others of the same key (see shapeKey). */
  shapeKey: string;
  /** Arrival time, microseconds on the same clock as `nowUs`. */
  enqueuedUs: number;
}

export type BatchDecision<T> =
  | { kind: 'dispatch'; take: T[] }
  | { kind: 'wait'; untilUs: number }
  | { kind: 'idle' };

/** Every input's shape without its batch dim: requests can share a batch only if these agree. */
export function shapeKey(inputs: readonly Pick<Tensor, 'shape'>[]): string {
  return inputs.map((t) => t.shape.slice(1).join(',')).join('|');
}

/**
 * Decide the next batch from `queue` (oldest first).
 *
 * 1. Only the oldest request's group (same shapeKey) is considered: FIFO fairness across shapes;
 *    another shape waits at most one delay behind it.
 * 2. The candidate is the longest FIFO prefix of that group that fits in maxBatchSize. The prefix
 *    stops at the first request that would overshoot (no skipping ahead, so a big request is never
 *    starved by small ones). A single request larger than maxBatchSize runs alone.
 * 3. Dispatch now when the candidate reaches maxBatchSize; else, when some prefix of it totals a
 *    preferred size, the longest such prefix (Triton: the largest preferred size reachable with
 *    what is queued; a reached preferred size is not held back in the hope of a larger one);
 *    else when the group already holds a request that does not fit (waiting cannot grow it).
 * 4. Otherwise wait until the oldest request has waited maxBatchDelayUs, then dispatch the candidate.
 */
export function decideBatch<T extends Pending>(
  queue: readonly T[],
  settings: BatcherSettings,
  nowUs: number,
): BatchDecision<T> {
  const oldest = queue[0];
  if (oldest === undefined) return { kind: 'idle' };
  const max = settings.maxBatchSize;
  if (max <= 1 || oldest.size >= max) return { kind: 'dispatch', take: [oldest] };

  const preferred = new Set(settings.preferredBatchSizes.filter((s) => s > 0 && s < max));
  const take: T[] = [];
  let total = 0;
  let preferredCount = 0;
  let blocked = false;
  for (const request of queue) {
    if (request.shapeKey !== oldest.shapeKey) continue;
    if (total + request.size > max) {
      blocked = true;
      break;
    }
    take.push(request);
    total += request.size;
    if (preferred.has(total)) preferredCount = take.length;
    if (total === max) break;
  }

  if (total === max) return { kind: 'dispatch', take };
  if (preferredCount > 0) return { kind: 'dispatch', take: take.slice(0, preferredCount) };
  if (blocked) return { kind: 'dispatch', take };
  const untilUs = oldest.enqueuedUs + settings.maxBatchDelayUs;
  if (nowUs >= untilUs) return { kind: 'dispatch', take };
  return { kind: 'wait', untilUs };
}

/** The pending queue of one model version, in arrival order. */
export class BatchQueue<T extends Pending> {
  private items: T[] = [];

  constructor(private readonly settings: BatcherSettings) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Remove one request (timed out, cancelled); false when it was no longer queued. */
  remove(item: T): boolean {
    const i = this.items.indexOf(item);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }

  /** Remove and return everything still queued (shutdown, no workers left). */
  clear(): T[] {
    const all = this.items;
    this.items = [];
    return all;
  }

  /**
   * Decide, and on 'dispatch' take the batch out of the queue.
   * `flush` dispatches without waiting for the delay (draining: nothing more is coming).
   */
  next(nowUs: number, flush = false): BatchDecision<T> {
    const settings = flush ? { ...this.settings, maxBatchDelayUs: 0 } : this.settings;
    const decision = decideBatch(this.items, settings, nowUs);
    if (decision.kind === 'dispatch') {
      const taken = new Set(decision.take);
      this.items = this.items.filter((item) => !taken.has(item));
    }
    return decision;
  }
}
