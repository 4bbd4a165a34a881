// Misbehaving clients (aborts phase): some hang up mid-body, some trickle their body; the run
// ends on time, every request gets its sample, and the real server stays ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/engine.ts';
import { requestHead, ResponseReader } from '../../src/load/rawRequest.ts';
import { buildPayloads, cycleRequests } from '../../src/load/payload.ts';
import type { RunningServer } from '../../src/server/server.ts';
import { startTestServer } from '../helpers/servers.ts';
import { collectingSink } from './tinyServer.ts';

describe('raw HTTP pieces', () => {
  it('writes a request head declaring the whole body and closing the connection', () => {
    const head = requestHead({ method: 'POST', path: '/x', headers: { 'content-type': 'application/json', Connection: 'keep-alive' }, body: Buffer.alloc(42), requestClass: 'valid' }, '127.0.0.1:9');
    expect(head.toString()).toBe('POST /x HTTP/1.1\r\nhost: 127.0.0.1:9\r\ncontent-length: 42\r\nconnection: close\r\ncontent-type: application/json\r\n\r\n');
  });

  it('knows when a response is whole, by Content-Length or the chunked terminator', () => {
    const byLength = new ResponseReader();
    expect(byLength.push(Buffer.from('HTTP/1.1 413 Payload Too Large\r\ncontent-length: 4\r\n\r\nab'))).toBe(false);
    expect(byLength.push(Buffer.from('cd'))).toBe(true);
    expect(byLength.status).toBe(413);
    const chunked = new ResponseReader();
    expect(chunked.push(Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n'))).toBe(false);
    expect(chunked.push(Buffer.from('0\r\n\r\n'))).toBe(true);
    expect(chunked.status).toBe(200);
  });
});

describe('aborting and slow clients against the real server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ load_models: 'mlp' });
  });
  afterAll(async () => {
    await server?.shutdown('test done');
  });

  it('records hang-ups as aborted and slow bodies as normal answers, and does not hang', async () => {
    const templates = await buildPayloads({ origin: server.url, target: { protocol: 'kserve-v2', model: 'mlp' }, payload: { encoding: 'binary', batch: 1, seed: 1, variants: 2 } });
    const bodyBytes = templates[0].body.length;
    const sink = collectingSink();
    const started = performance.now();
    const summary = await runLoad({
      origin: server.url,
      load: { mode: 'closed', connections: 4, pipelining: 1 },
      extent: { requests: 60 },
      nextRequest: cycleRequests(templates),
      timeoutMs: 5000,
      sink,
      // Slow clients send the ~3.3 KB body in ~0.3 s.
      misbehaviour: { abortShare: 0.25, slowShare: 0.15, slowBytesPerSecond: Math.ceil(bodyBytes / 0.3), seed: 5 },
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(summary.sent).toBe(60);
    expect(sink.samples).toHaveLength(60);
    const outcomes = sink.samples.map((s) => s.outcome);
    const aborted = outcomes.filter((o) => o === 'aborted').length;
    expect(aborted).toBeGreaterThanOrEqual(5);
    expect(outcomes.filter((o) => o === 'ok').length).toBe(60 - aborted);
    // The trickled requests took their own time (≥ ~0.3 s), the others did not.
    const slow = sink.samples.filter((s) => s.outcome === 'ok' && s.endUs - s.sentUs > 250_000);
    expect(slow.length).toBeGreaterThanOrEqual(3);
    expect(slow.length).toBeLessThan(25);
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    const after = await fetch(`${server.url}${templates[0].path}`, { method: 'POST', headers: templates[0].headers, body: new Uint8Array(templates[0].body) });
    expect(after.status).toBe(200);
  });

  it('ends a slow client at the client deadline', async () => {
    const [template] = await buildPayloads({ origin: server.url, target: { protocol: 'kserve-v2', model: 'mlp' }, payload: { encoding: 'json', batch: 1, seed: 1, variants: 1 } });
    const sink = collectingSink();
    await runLoad({
      origin: server.url,
      load: { mode: 'closed', connections: 1, pipelining: 1 },
      extent: { requests: 1 },
      nextRequest: () => template,
      timeoutMs: 300,
      sink,
      misbehaviour: { abortShare: 0, slowShare: 1, slowBytesPerSecond: 100, seed: 1 },
    });
    expect(sink.samples.map((s) => s.outcome)).toEqual(['timeout']);
    expect(sink.samples[0].endUs - sink.samples[0].sentUs).toBeGreaterThanOrEqual(250_000);
  });
});
