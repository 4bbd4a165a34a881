// Clients that are slow or careless on purpose: a body that never completes gets 408 and its
// connection back, headers that never complete lose their connection, stalled bodies take no place
// that valid requests need, and a compressed body is refused rather than read as plain.
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server/server.ts';
import { metricValue, scrape } from '../../helpers/metrics.ts';
import { rawRequest as rawExchange } from '../../helpers/rawHttp.ts';
import { spawnServer, startTestServer } from '../../helpers/servers.ts';

let server: RunningServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.shutdown('test done');
  server = undefined;
});

const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 784], data: new Array(784).fill(0.25) }] });

const rawRequest = (url: string, text: string) => rawExchange(url, text, sockets);

const head = (length: number) => `POST /v2/models/mlp/infer HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;

describe('slow clients', { timeout: 60_000 }, () => {
  it('answers a body that does not come within body_timeout_ms with 408 in the project\'s shape, and closes its connection', async () => {
    server = await startTestServer({ load_models: 'mlp', body_timeout_ms: '500' });
    const { closed } = rawRequest(server.url, `${head(body.length)}${body.slice(0, 100)}`);
    const answer = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { code: string; error: string };
    expect(json.code).toBe('SB_ERR_BODY_TIMEOUT');
    expect(json.error).toBe(`request body not complete within body_timeout_ms 500 (100 of ${body.length} bytes came)`);
  });

  it('closes a connection whose headers do not come within headers_timeout_ms', async () => {
    server = await startTestServer({ load_models: 'mlp', headers_timeout_ms: '500' });
    const { closed } = rawRequest(server.url, 'POST /v2/models/mlp/infer HTTP/1.1\r\nhost: x\r\n');
    expect(await closed).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('keeps serving valid requests while more clients than the model admits withhold their bodies', async () => {
    // mlp with one worker and a queue of 2 admits 4 requests at once.
    server = await startTestServer({ load_models: 'mlp', max_queue_size: '2', workers: '1', body_timeout_ms: '30000' });
    const stalled = Array.from({ length: 12 }, () => rawRequest(server!.url, head(body.length)));
    // Every stalled request has reached the server (its headers were read).
    await expect.poll(async () => metricValue(await scrape(server!.url), 'servebench_inflight_requests'), { timeout: 10_000 }).toBe(12);
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${server.url}/v2/models/mlp/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(200);
    }
    expect(stalled.every((s) => !s.socket.destroyed)).toBe(true);
  });
});

describe('the exit code of a drain', { timeout: 60_000 }, () => {
  it('is 0 when only a stalled body was cut at the deadline (it was never accepted work), and its connection is closed', async () => {
    const child = await spawnServer(['--load-models', 'mlp', '--drain-timeout-ms', '1500', '--body-timeout-ms', '600000']);
    try {
      const { closed } = rawRequest(child.url, head(body.length));
      await expect.poll(async () => metricValue(await scrape(child.url), 'servebench_inflight_requests'), { timeout: 10_000 }).toBe(1);
      const signalledAt = performance.now();
      child.child.kill('SIGTERM');
      expect((await child.exited).code).toBe(0);
      await closed;
      // Well before the body's own deadline (10 minutes): the drain's cut it.
      expect(performance.now() - signalledAt).toBeLessThan(30_000);
    } finally {
      await child.kill();
    }
  });

  it('is 1 when an accepted request was still unanswered at the deadline', async () => {
    const child = await spawnServer(['--load-models', 'mlp', '--drain-timeout-ms', '1000', '--fault-latency-ms', '20000']);
    try {
      const answer = fetch(`${child.url}/v2/models/mlp/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
        (res) => res.status,
        () => 'cut',
      );
      await expect.poll(async () => metricValue(await scrape(child.url), 'servebench_inflight_requests'), { timeout: 10_000 }).toBe(1);
      child.child.kill('SIGTERM');
      expect((await child.exited).code).toBe(1);
      expect(await answer).toBe('cut');
    } finally {
      await child.kill();
    }
  });
});

describe('a compressed body', () => {
  it('is refused with 415 (Content-Encoding is not supported), not decoded as if it were plain', async () => {
    server = await startTestServer({ load_models: 'mlp' });
    for (const encoding of ['gzip', 'br, gzip']) {
      const res = await fetch(`${server.url}/v2/models/mlp/infer`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ code: 'SB_ERR_CONTENT_ENCODING', error: `Content-Encoding "${encoding}" is not supported: send the body uncompressed (identity)` });
    }
    const plain = await fetch(`${server.url}/v2/models/mlp/infer`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'identity' }, body });
    expect(plain.status).toBe(200);
  });
});
