// The closed loop keeps N connections busy, one request after another, with one sample per
// request at microsecond resolution, and turns transport failures into outcomes.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/engine.ts';
import { collectingSink, GET_OK, startTinyServer, type Delay, type TinyServer } from './tinyServer.ts';

const servers: TinyServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(delay?: Delay): Promise<TinyServer> {
  const s = await startTinyServer(delay);
  servers.push(s);
  return s;
}

/** A port nothing listens on: bind it, note it, close it. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('closed loop', () => {
  it('keeps exactly N connections busy and sends exactly the requests asked', async () => {
    const target = await server(() => 5);
    const sink = collectingSink();
    const summary = await runLoad({ origin: target.url, load: { mode: 'closed', connections: 4, pipelining: 1 }, extent: { requests: 120 }, nextRequest: () => GET_OK, timeoutMs: 5000, sink });
    expect(summary.sent).toBe(120);
    expect(summary.completed).toBe(120);
    expect(sink.samples).toHaveLength(120);
    expect(target.stats.requests).toBe(120);
    expect(target.stats.maxInFlight).toBe(4);
    expect(target.stats.sockets).toBe(4);
    // Closed loop: a request is intended the moment its lane is free.
    expect(sink.samples.every((s) => s.outcome === 'ok' && s.sentUs >= s.intendedUs && s.endUs - s.sentUs >= 4000)).toBe(true);
    expect(summary.achievedSendRate).toBeUndefined();
  });

  it('pipelines over the connections it is given', async () => {
    const target = await server();
    const sink = collectingSink();
    await runLoad({ origin: target.url, load: { mode: 'closed', connections: 2, pipelining: 4 }, extent: { requests: 200 }, nextRequest: () => GET_OK, timeoutMs: 5000, sink });
    expect(sink.samples.filter((s) => s.outcome === 'ok')).toHaveLength(200);
    expect(target.stats.sockets).toBe(2);
  });

  it('measures latency in microseconds, not milliseconds', async () => {
    const target = await server();
    const sink = collectingSink();
    await runLoad({ origin: target.url, load: { mode: 'closed', connections: 2, pipelining: 1 }, extent: { requests: 300 }, nextRequest: () => GET_OK, timeoutMs: 5000, sink });
    const latencies = sink.samples.map((s) => Math.round(s.endUs - s.intendedUs));
    expect(latencies).toHaveLength(300);
    expect(new Set(latencies).size).toBeGreaterThan(50);
    // Millisecond timing would give multiples of 1000 µs only.
    expect(latencies.filter((us) => us % 1000 !== 0).length).toBeGreaterThan(latencies.length / 2);
    expect(Math.min(...latencies)).toBeGreaterThan(0);
  });

  it('stops at the duration even when answers are slow, and times out requests past the client deadline', async () => {
    const target = await server((req) => (req.url === '/hang' ? 'hang' : 0));
    const sink = collectingSink();
    const started = performance.now();
    const summary = await runLoad({
      origin: target.url,
      load: { mode: 'closed', connections: 2, pipelining: 1 },
      extent: { duration_s: 0.3 },
      nextRequest: () => ({ ...GET_OK, path: '/hang' }),
      timeoutMs: 400,
      sink,
    });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(summary.sent).toBe(2);
    expect(summary.completed).toBe(0);
    expect(sink.samples.map((s) => s.outcome)).toEqual(['timeout', 'timeout']);
    expect(sink.samples.every((s) => s.endUs - s.sentUs >= 350_000)).toBe(true);
  });

  it('records refused connections as refused, one sample per attempt', async () => {
    const port = await closedPort();
    const sink = collectingSink();
    const summary = await runLoad({ origin: `http://127.0.0.1:${port}`, load: { mode: 'closed', connections: 2, pipelining: 1 }, extent: { requests: 20 }, nextRequest: () => GET_OK, timeoutMs: 1000, sink });
    expect(summary.sent).toBe(20);
    expect(summary.completed).toBe(0);
    expect(sink.samples).toHaveLength(20);
    expect(new Set(sink.samples.map((s) => s.outcome))).toEqual(new Set(['refused']));
  });
});
