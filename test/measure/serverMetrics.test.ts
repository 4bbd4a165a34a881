// Scrapes of a real embedded server: deltas over a "phase" of known requests, and a missing /metrics.
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server/server.ts';
import { scrapeMetrics, serverMemory } from '../../src/measure/serverMetrics.ts';
import { summarizeServerSide } from '../../src/measure/serverSide.ts';
import { startTestServer } from '../helpers/servers.ts';
import { seededFloats } from '../helpers/tensors.ts';

let server: RunningServer;
beforeAll(async () => {
  // A long batch delay makes concurrent requests meet in one batch.
  server = await startTestServer({ load_models: 'mlp', workers: '1', max_batch_size: '8', max_batch_delay_us: '250000' });
});
afterAll(async () => {
  await server?.shutdown('test done');
});

const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 784], data: Array.from(seededFloats(784, 7)) }] });
const infer = (payload = body) =>
  fetch(`${server.url}/v2/models/mlp/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload }).then(async (r) => {
    await r.arrayBuffer();
    return r.status;
  });

describe('server-side summary from two scrapes of the embedded server', () => {
  it('sees the batches and answers of the requests sent between the scrapes', async () => {
    await infer(); // warm the worker so the phase below starts from a running model
    const before = await scrapeMetrics(`${server.url}/metrics`);
    expect(before).not.toBeNull();

    for (let i = 0; i < 3; i++) expect(await infer()).toBe(200); // one at a time: batches of 1
    const concurrent = await Promise.all(Array.from({ length: 8 }, () => infer()));
    expect(concurrent.every((s) => s === 200)).toBe(true);
    expect(await infer('{"inputs": [')).toBe(400);

    const after = await scrapeMetrics(`${server.url}/metrics`);
    const summary = summarizeServerSide(before!, after!, { model: 'mlp' });
    expect(summary.requests_by_code).toEqual({ '200': 11, '400': 1 });
    // 11 rows in at least 4 batches (3 alone, the 8 together in one or a few): mean in (1, 11/4].
    expect(summary.batch_size_mean).toBeGreaterThan(1);
    expect(summary.batch_size_mean).toBeLessThanOrEqual(11 / 4);
    expect(summary.compute_mean_us).toBeGreaterThan(0);
    // The 8 concurrent requests waited for their batch to fill or its delay to pass.
    expect(summary.queue_mean_us).toBeGreaterThan(0);
  });

  it('reads the server process memory from its metrics', async () => {
    const memory = serverMemory((await scrapeMetrics(`${server.url}/metrics`))!);
    expect(memory.rss_bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(memory.heap_used_bytes).toBeGreaterThan(0);
    expect(memory.external_bytes).toBeGreaterThan(0);
  });
});

describe('scrapeMetrics on servers without metrics', () => {
  let plain: Server;
  let origin: string;
  beforeAll(async () => {
    plain = createServer((_req, res) => {
      res.statusCode = 404;
      res.end('not here');
    }).listen(0, '127.0.0.1');
    await once(plain, 'listening');
    origin = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    plain.close();
    await once(plain, 'close');
  });

  it('returns null when /metrics answers 404', async () => {
    expect(await scrapeMetrics(`${origin}/metrics`)).toBeNull();
  });

  it('returns null when nothing listens', async () => {
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    expect(await scrapeMetrics(`http://127.0.0.1:${port}/metrics`)).toBeNull();
  });
});
