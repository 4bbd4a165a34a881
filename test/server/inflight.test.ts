import { describe, expect, it } from 'vitest';
import { InflightTracker } from '../../src/server/http/inflight.ts';

describe('in-flight request tracking', () => {
  it('resolves the idle wait when the last request leaves, counting each request once', async () => {
    const tracker = new InflightTracker();
    const a = {};
    const b = {};
    tracker.enter(a);
    tracker.enter(b);
    const idle = tracker.whenIdle(10_000);
    tracker.leave(a);
    tracker.leave(a);
    expect(tracker.count).toBe(1);
    tracker.leave(b);
    await expect(idle).resolves.toBe(true);
  });

  it('reports false when the deadline passes with work still in flight', async () => {
    const tracker = new InflightTracker();
    tracker.enter({});
    await expect(tracker.whenIdle(10)).resolves.toBe(false);
  });
});
