// The open loop keeps its schedule whatever the server does and times every request from its
// intended send time, so a server stall shows in the percentiles (coordinated omission, wrk2-style).
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/engine.ts';
import type { RequestSample } from '../../src/load/types.ts';
import { collectingSink, fraction, GET_OK, startTinyServer, type Delay, type TinyServer } from './tinyServer.ts';

const servers: TinyServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(delay?: Delay): Promise<TinyServer> {
  const s = await startTinyServer(delay);
  servers.push(s);
  return s;
}

const latencyUs = (s: RequestSample) => s.endUs - s.intendedUs;
// judgeSaturation's measured causes (the reason names only these; callers add "generator saturated in ...").
const SATURATION_CAUSE = /send lag p99|sent \d+\/s of|event-loop delay p99|generator CPU/;

/** A server that answers 500 ms late whatever arrives in [1 s, 1.5 s) after its first request, at once otherwise. */
function stallingAt1s(): Delay {
  let firstMs: number | undefined;
  return (_req, arrivalMs) => {
    firstMs ??= arrivalMs;
    const t = arrivalMs - firstMs;
    return t >= 1000 && t < 1500 ? 500 : 0;
  };
}

describe('open loop', () => {
  it('sends at the asked rate on a fixed schedule when the server is fast, or reports that it could not', async () => {
    const target = await server();
    const sink = collectingSink();
    const summary = await runLoad({ origin: target.url, load: { mode: 'open', rate: 400, max_in_flight: 64 }, extent: { duration_s: 1 }, nextRequest: () => GET_OK, timeoutMs: 5000, sink });
    expect(sink.samples).toHaveLength(400);
    const dropped = sink.samples.filter((s) => s.outcome === 'dropped').length;
    expect(summary.sent + dropped).toBe(400);
    expect(summary.completed).toBe(sink.samples.filter((s) => s.outcome === 'ok').length);
    // Honest either way: every request answered at the asked rate, or the generator says it could not keep up
    // (on an overloaded shared machine a descheduled generator sends in bursts and its numbers are its own).
    if (summary.saturation === undefined) {
      expect(sink.samples.filter((s) => s.outcome !== 'ok')).toEqual([]);
      expect(summary.achievedSendRate! / 400).toBeGreaterThan(0.9);
    } else {
      expect(summary.saturation.reason).toMatch(SATURATION_CAUSE);
    }
    expect(summary.achievedSendRate! / 400).toBeLessThan(1.1);
    // Intended times are the schedule itself: exactly 1/rate apart, whatever the timer did.
    const intended = sink.samples.map((s) => s.intendedUs).sort((a, b) => a - b);
    for (let i = 1; i < intended.length; i++) expect(intended[i] - intended[i - 1]).toBeCloseTo(2500, 3);
    expect(sink.samples.every((s) => s.sentUs >= s.intendedUs && s.endUs >= s.sentUs)).toBe(true);
  });

  it('shows a 500 ms server stall in many samples, where a closed loop hides it in a few (coordinated omission)', async () => {
    const open = collectingSink();
    const openTarget = await server(stallingAt1s());
    await runLoad({ origin: openTarget.url, load: { mode: 'open', rate: 200, max_in_flight: 256 }, extent: { duration_s: 2 }, nextRequest: () => GET_OK, timeoutMs: 5000, sink: open });

    const closed = collectingSink();
    const closedTarget = await server(stallingAt1s());
    await runLoad({ origin: closedTarget.url, load: { mode: 'closed', connections: 4, pipelining: 1 }, extent: { duration_s: 2 }, nextRequest: () => GET_OK, timeoutMs: 5000, sink: closed });

    // 400 ms: well past the scheduling hiccups of a busy shared machine, which hit both loops alike.
    const slow = (s: RequestSample) => latencyUs(s) > 400_000;
    const openMax = Math.max(...open.samples.map(latencyUs));
    expect(openMax).toBeGreaterThanOrEqual(490_000);
    // ~100 requests were due during the stall and each one waited for it.
    expect(open.samples.filter(slow).length).toBeGreaterThanOrEqual(50);
    // The closed loop had only its 4 connections' requests in flight when the stall began.
    expect(closed.samples.filter(slow).length).toBeGreaterThanOrEqual(1);
    expect(closed.samples.filter(slow).length).toBeLessThanOrEqual(8);
    expect(fraction(open.samples, slow)).toBeGreaterThan(10 * fraction(closed.samples, slow));
  });

  it('records requests due while max_in_flight are outstanding as dropped, and never exceeds the cap', async () => {
    const target = await server(() => 100);
    const sink = collectingSink();
    const summary = await runLoad({ origin: target.url, load: { mode: 'open', rate: 100, max_in_flight: 2 }, extent: { requests: 50 }, nextRequest: () => GET_OK, timeoutMs: 5000, sink });
    const dropped = sink.samples.filter((s) => s.outcome === 'dropped');
    expect(sink.samples).toHaveLength(50);
    expect(dropped.length).toBeGreaterThan(20);
    expect(summary.sent + dropped.length).toBe(50);
    expect(summary.sent).toBe(target.stats.requests);
    expect(target.stats.maxInFlight).toBeLessThanOrEqual(2);
    expect(sink.samples.filter((s) => s.outcome === 'ok')).toHaveLength(summary.sent);
    // A dropped request is still on the schedule; the recorder can tell it from an answered one.
    expect(dropped.every((s) => s.requestClass === 'valid' && s.status === undefined)).toBe(true);
  });

  it('stops issuing when its signal aborts, and finishes what it sent', async () => {
    const target = await server();
    const sink = collectingSink();
    const controller = new AbortController();
    let picks = 0;
    const summary = await runLoad({
      origin: target.url,
      load: { mode: 'open', rate: 500, max_in_flight: 5000 },
      extent: { duration_s: 10 },
      // Aborted while picking the 100th request: that one is not sent, nothing after it either.
      nextRequest: () => {
        if (++picks === 100) controller.abort();
        return GET_OK;
      },
      timeoutMs: 5000,
      sink,
      signal: controller.signal,
    });
    expect(summary.sent).toBe(99);
    expect(sink.samples).toHaveLength(99);
    expect(target.stats.requests).toBe(99);
  });

  it('flags the generator as saturated when it cannot keep its schedule', async () => {
    const target = await server();
    const spinMs = 3;
    const summary = await runLoad({
      origin: target.url,
      load: { mode: 'open', rate: 1000, max_in_flight: 64 },
      extent: { duration_s: 0.5 },
      nextRequest: () => GET_OK,
      timeoutMs: 5000,
      // A sink that burns 3 ms per sample: the generator can do ~330/s, not 1000/s.
      sink: {
        record() {
          const until = performance.now() + spinMs;
          while (performance.now() < until);
        },
      },
    });
    expect(summary.saturation?.reason).toMatch(SATURATION_CAUSE);
    expect(summary.saturation!.maxLagMs).toBeGreaterThan(20);
  });
});
