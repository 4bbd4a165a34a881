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
    await expect(idle).resolves.toEqual({ idle: true, abandoned: 0, receiving: 0 });
  });

  it('at the deadline, tells accepted requests (abandoned) from bodies still arriving (receiving)', async () => {
    const tracker = new InflightTracker();
    const accepted = {};
    tracker.enter(accepted);
    tracker.admit(accepted);
    tracker.enter({});
    tracker.enter({});
    await expect(tracker.whenIdle(10)).resolves.toEqual({ idle: false, abandoned: 1, receiving: 2 });
  });

  it('admits only a request it tracks', async () => {
    const tracker = new InflightTracker();
    const gone = {};
    tracker.admit(gone);
    tracker.enter(gone);
    await expect(tracker.whenIdle(10)).resolves.toEqual({ idle: false, abandoned: 0, receiving: 1 });
  });
});
