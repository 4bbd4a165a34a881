// The flap proxy forwards, then cuts every connection and refuses service for down_ms, then
// forwards again; a request through it succeeds before, fails during and succeeds after.
import { once } from 'node:events';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/engine.ts';
import { FlapProxy, type FlapEvent } from '../../src/load/flapProxy.ts';
import { outcomeOfError } from '../../src/load/outcome.ts';
import { collectingSink, GET_OK, startTinyServer, type TinyServer } from './tinyServer.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One GET on a fresh connection: its status, or the outcome of its error. */
function get(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', (err) => resolve(outcomeOfError(err)));
    });
    req.on('error', (err) => resolve(outcomeOfError(err)));
    req.end();
  });
}

async function setup(everyS: number, downMs: number): Promise<{ target: TinyServer; proxy: FlapProxy; url: string }> {
  const target = await startTinyServer((req) => (req.url === '/slow' ? 5000 : 0));
  cleanups.push(() => target.close());
  const proxy = new FlapProxy({ target: target.url, everyS, downMs });
  cleanups.push(() => proxy.stop());
  const url = await proxy.start();
  return { target, proxy, url };
}

describe('flap proxy', () => {
  it('forwards, fails requests while down, and forwards again once restored', async () => {
    const { proxy, url } = await setup(0.5, 300);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(`${url}/`)).toBe(200);

    const [cut] = (await once(proxy, 'cut')) as [FlapEvent];
    expect(proxy.isDown).toBe(true);
    expect(await get(`${url}/`)).toBe('reset');

    const [restored] = (await once(proxy, 'restored')) as [FlapEvent];
    expect(proxy.isDown).toBe(false);
    expect(await get(`${url}/`)).toBe(200);
    // Markers on the samples' clock, down for about down_ms.
    expect(restored.atUs - cut.atUs).toBeGreaterThanOrEqual(290_000);
    expect(restored.wallMs).toBeGreaterThanOrEqual(cut.wallMs);
  });

  it('cuts connections already open, on both sides', async () => {
    const { target, proxy, url } = await setup(0.3, 100);
    const inFlight = get(`${url}/slow`);
    const upstreamClosed = once(target.events, 'socket-close');
    const [cut] = (await once(proxy, 'cut')) as [FlapEvent];
    expect(await inFlight).toBe('reset');
    await upstreamClosed;
    expect(cut.connections).toBe(1);
    expect(target.stats).toMatchObject({ requests: 1, socketsClosed: 1 });
  });

  it('carries open-loop load that fails at a cut and recovers after it', async () => {
    const { proxy, url } = await setup(0.5, 150);
    let firstRestoreUs = Infinity;
    proxy.once('restored', (e) => (firstRestoreUs = e.atUs));
    const sink = collectingSink();
    // Runs until requests sent after the first restore come back answered (the extent only bounds it).
    const enough = new AbortController();
    const okAfterRestore = () => sink.samples.filter((s) => s.outcome === 'ok' && s.sentUs > firstRestoreUs);
    await runLoad({
      origin: url,
      load: { mode: 'open', rate: 100, max_in_flight: 400 },
      extent: { duration_s: 8 },
      nextRequest: () => GET_OK,
      timeoutMs: 3000,
      sink: {
        record(sample) {
          sink.record(sample);
          if (sample.outcome === 'ok' && sample.sentUs > firstRestoreUs && okAfterRestore().length >= 5) enough.abort();
        },
      },
      signal: enough.signal,
    });
    // Requests in flight at a cut or sent while down fail as the client sees a cut: reset.
    expect(sink.samples.filter((s) => s.outcome === 'reset').length).toBeGreaterThan(0);
    // After a restore the pool opens fresh connections and requests get through again.
    expect(okAfterRestore().length).toBeGreaterThanOrEqual(5);
    // Every failure is named (reset, or timeout on a starved machine), never an unclassified error.
    expect(sink.samples.filter((s) => s.outcome === 'error')).toEqual([]);
  });

  it('closes everything on stop: nothing listens afterwards', async () => {
    const { proxy, url } = await setup(10, 100);
    expect(await get(`${url}/`)).toBe(200);
    await proxy.stop();
    expect(await get(`${url}/`)).toBe('refused');
  });

  it('refuses a flap that never comes back up', () => {
    expect(() => new FlapProxy({ target: 'http://127.0.0.1:1', everyS: 1, downMs: 1000 })).toThrow(expect.objectContaining({ code: 'SB_ERR_FLAP_PROXY' }));
  });
});
