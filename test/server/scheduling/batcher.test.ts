import { describe, expect, it } from 'vitest';
import { BatchQueue, decideBatch, shapeKey, type BatcherSettings, type Pending } from '../../../src/server/batcher.ts';

interface Req extends Pending {
  id: string;
}

/** 'a:2@100' = request a, size 2, enqueued at 100us; an optional '#key' sets its shape key (default 'k'). */
function q(...specs: string[]): Req[] {
  return specs.map((spec) => {
    const m = /^(\w+):(\d+)@(\d+)(?:#(\w+))?$/.exec(spec);
    if (!m) throw new Error(`bad spec ${spec}`);
    return { id: m[1], size: Number(m[2]), enqueuedUs: Number(m[3]), shapeKey: m[4] ?? 'k' };
  });
}

function settings(maxBatchSize: number, maxBatchDelayUs = 1000, preferredBatchSizes: number[] = []): BatcherSettings {
  return { maxBatchSize, maxBatchDelayUs, preferredBatchSizes };
}

type Expected = { dispatch: string[] } | { waitUntil: number } | 'idle';

function summarise(queue: Req[], s: BatcherSettings, nowUs: number): Expected {
  const d = decideBatch(queue, s, nowUs);
  if (d.kind === 'dispatch') return { dispatch: d.take.map((r) => r.id) };
  if (d.kind === 'wait') return { waitUntil: d.untilUs };
  return 'idle';
}

describe('decideBatch', () => {
  const cases: { name: string; queue: Req[]; s: BatcherSettings; now: number; expected: Expected }[] = [
    { name: 'an empty queue is idle', queue: [], s: settings(8), now: 0, expected: 'idle' },
    {
      name: 'max_batch_size 0 runs the oldest alone without waiting',
      queue: q('a:1@0', 'b:1@0'),
      s: settings(0),
      now: 0,
      expected: { dispatch: ['a'] },
    },
    {
      name: 'max_batch_size 1 runs the oldest alone without waiting',
      queue: q('a:1@0', 'b:1@0'),
      s: settings(1, 5000),
      now: 1,
      expected: { dispatch: ['a'] },
    },
    {
      name: 'a partial batch waits until the oldest request has waited the delay',
      queue: q('a:1@100', 'b:1@400'),
      s: settings(8, 1000),
      now: 500,
      expected: { waitUntil: 1100 },
    },
    {
      name: 'a partial batch is dispatched once the delay has expired',
      queue: q('a:1@100', 'b:1@400'),
      s: settings(8, 1000),
      now: 1100,
      expected: { dispatch: ['a', 'b'] },
    },
    {
      name: 'a batch that reaches max_batch_size is dispatched at once',
      queue: q('a:1@0', 'b:1@1', 'c:1@2', 'd:1@3'),
      s: settings(4, 1_000_000),
      now: 3,
      expected: { dispatch: ['a', 'b', 'c', 'd'] },
    },
    {
      name: 'requests beyond max_batch_size stay queued',
      queue: q('a:1@0', 'b:1@1', 'c:1@2', 'd:1@3', 'e:1@4'),
      s: settings(3, 1_000_000),
      now: 4,
      expected: { dispatch: ['a', 'b', 'c'] },
    },
    {
      name: 'requests carrying a batch count with their size',
      queue: q('a:3@0', 'b:5@1', 'c:1@2'),
      s: settings(8, 1_000_000),
      now: 2,
      expected: { dispatch: ['a', 'b'] },
    },
    {
      name: 'a request larger than max_batch_size runs alone',
      queue: q('a:20@0', 'b:1@1'),
      s: settings(8, 1_000_000),
      now: 1,
      expected: { dispatch: ['a'] },
    },
    {
      name: 'a request that would overshoot is not skipped: what fits goes now',
      queue: q('a:3@0', 'b:6@1', 'c:1@2'),
      s: settings(8, 1_000_000),
      now: 2,
      expected: { dispatch: ['a'] },
    },
    {
      name: 'an oversized request behind a partial batch does not hold it back',
      queue: q('a:1@0', 'b:20@1'),
      s: settings(8, 1_000_000),
      now: 1,
      expected: { dispatch: ['a'] },
    },
    {
      name: 'requests with other non-batch dims are never stacked with the oldest',
      queue: q('a:1@0#x', 'b:1@1#y', 'c:1@2#x'),
      s: settings(8, 1000),
      now: 5000,
      expected: { dispatch: ['a', 'c'] },
    },
    {
      name: 'the oldest group is formed first even when a younger group is full',
      queue: q('a:1@0#x', 'b:2@1#y', 'c:2@2#y'),
      s: settings(4, 1000),
      now: 10,
      expected: { waitUntil: 1000 },
    },
    {
      name: 'another shape does not block the oldest group from filling up',
      queue: q('a:2@0#x', 'b:9@1#y', 'c:2@2#x'),
      s: settings(4, 1_000_000),
      now: 2,
      expected: { dispatch: ['a', 'c'] },
    },
    {
      name: 'a reached preferred size is dispatched without waiting',
      queue: q('a:1@0', 'b:1@1', 'c:1@2', 'd:1@3'),
      s: settings(16, 1_000_000, [4, 8]),
      now: 3,
      expected: { dispatch: ['a', 'b', 'c', 'd'] },
    },
    {
      name: 'the largest preferred size reachable is chosen, the rest stays queued',
      queue: q('a:2@0', 'b:2@1', 'c:4@2', 'd:1@3'),
      s: settings(16, 1_000_000, [4, 8]),
      now: 3,
      expected: { dispatch: ['a', 'b', 'c'] },
    },
    {
      name: 'a preferred size not hit exactly by any prefix waits for the delay',
      queue: q('a:3@0', 'b:3@1'),
      s: settings(16, 1000, [4, 8]),
      now: 1,
      expected: { waitUntil: 1000 },
    },
    {
      name: 'on delay expiry without a preferred size, everything that fits goes',
      queue: q('a:3@0', 'b:3@1'),
      s: settings(16, 1000, [4, 8]),
      now: 1000,
      expected: { dispatch: ['a', 'b'] },
    },
    {
      name: 'preferred sizes only count within the oldest group',
      queue: q('a:2@0#x', 'b:2@1#y', 'c:1@2#x'),
      s: settings(16, 1000, [4]),
      now: 2,
      expected: { waitUntil: 1000 },
    },
    {
      name: 'preferred sizes at or above max_batch_size change nothing',
      queue: q('a:2@0', 'b:2@1'),
      s: settings(4, 1000, [4, 16]),
      now: 1,
      expected: { dispatch: ['a', 'b'] },
    },
    {
      name: 'delay 0 dispatches whatever is there',
      queue: q('a:1@50'),
      s: settings(8, 0),
      now: 50,
      expected: { dispatch: ['a'] },
    },
  ];

  it.each(cases)('$name', ({ queue, s, now, expected }) => {
    expect(summarise(queue, s, now)).toEqual(expected);
  });

  it('never exceeds max_batch_size nor mixes shapes, whatever the queue', () => {
    // Deterministic pseudo-random queues (LCG) against the invariants of every dispatch.
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let round = 0; round < 500; round++) {
      const max = rand(10);
      const queue: Req[] = Array.from({ length: 1 + rand(12) }, (_, i) => ({
        id: `r${i}`,
        size: 1 + rand(6),
        enqueuedUs: i * 10,
        shapeKey: `s${rand(3)}`,
      }));
      const d = decideBatch(queue, settings(max, 100, [2, 4]), rand(300));
      if (d.kind !== 'dispatch') continue;
      expect(d.take[0]).toBe(queue[0]);
      expect(new Set(d.take.map((r) => r.shapeKey)).size).toBe(1);
      const total = d.take.reduce((a, r) => a + r.size, 0);
      if (d.take.length > 1) expect(total).toBeLessThanOrEqual(max);
      // FIFO within the group: the taken requests are the group's first ones.
      const group = queue.filter((r) => r.shapeKey === queue[0].shapeKey);
      expect(d.take).toEqual(group.slice(0, d.take.length));
    }
  });
});

describe('BatchQueue', () => {
  it('takes dispatched requests out of the queue and leaves the rest in order', () => {
    const queue = new BatchQueue<Req>(settings(2, 1_000_000));
    for (const r of q('a:1@0', 'b:1@1', 'c:1@2')) queue.push(r);
    const first = queue.next(2);
    expect(first.kind === 'dispatch' && first.take.map((r) => r.id)).toEqual(['a', 'b']);
    expect(queue.length).toBe(1);
    expect(queue.next(3)).toEqual({ kind: 'wait', untilUs: 1_000_002 });
  });

  it('flush dispatches a partial batch without waiting for the delay', () => {
    const queue = new BatchQueue<Req>(settings(8, 1_000_000));
    for (const r of q('a:1@0', 'b:1@1')) queue.push(r);
    const d = queue.next(2, true);
    expect(d.kind === 'dispatch' && d.take.map((r) => r.id)).toEqual(['a', 'b']);
    expect(queue.length).toBe(0);
  });

  it('remove takes out one request and reports whether it was still queued', () => {
    const queue = new BatchQueue<Req>(settings(8));
    const [a, b] = q('a:1@0', 'b:1@1');
    queue.push(a);
    queue.push(b);
    expect(queue.remove(a)).toBe(true);
    expect(queue.remove(a)).toBe(false);
    expect(queue.clear()).toEqual([b]);
    expect(queue.length).toBe(0);
  });
});

describe('shapeKey', () => {
  it('ignores the batch dim and distinguishes every other dim of every input', () => {
    const k = (...shapes: number[][]) => shapeKey(shapes.map((shape) => ({ shape })));
    expect(k([1, 3, 4])).toBe(k([7, 3, 4]));
    expect(k([1, 3, 4])).not.toBe(k([1, 4, 3]));
    expect(k([1, 3], [1, 5])).not.toBe(k([1, 3], [1, 6]));
    expect(k([1, 34])).not.toBe(k([1, 3], [1, 4]));
  });
});
