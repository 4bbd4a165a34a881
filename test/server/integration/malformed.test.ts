// Every case of the malformed corpus gets its 4xx JSON error from the live server, which stays ready.
// Cases that lie about their length go over a raw socket, as the load generator sends them.
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestHead } from '../../../src/load/rawRequest.ts';
import type { RunningServer } from '../../../src/server/server.ts';
import { loadMalformedCorpus, materializeBody, type MalformedCase } from '../../helpers/malformedCorpus.ts';
import { parseAnswers, rawRequest } from '../../helpers/rawHttp.ts';
import { startTestServer } from '../../helpers/servers.ts';

let server: RunningServer;
const corpus = loadMalformedCorpus('mlp');
const sockets: Socket[] = [];

beforeAll(async () => {
  // The body deadline is what answers a Content-Length larger than the body.
  server = await startTestServer({ load_models: 'mlp', body_limit_bytes: String(1024 * 1024), body_timeout_ms: '500' });
});
afterAll(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.shutdown('test done');
});

/** The server's first answer to the case: over fetch, or over a raw socket when its length lies. */
async function send(c: MalformedCase): Promise<{ status: number; json: { code: string; error: string } }> {
  const body = materializeBody(c);
  if (c.contentLength === undefined) {
    const res = await fetch(`${server.url}${c.path}`, { method: c.method, headers: c.headers, body: new Uint8Array(body) });
    return { status: res.status, json: await res.json() };
  }
  const template = { method: c.method, path: c.path, headers: c.headers, body, requestClass: c.class, contentLength: c.contentLength };
  const bytes = Buffer.concat([requestHead(template, new URL(server.url).host), body]).toString('latin1');
  const [first] = parseAnswers(await rawRequest(server.url, bytes, sockets).closed);
  return { status: first.status, json: JSON.parse(first.body) };
}

describe('malformed requests against the live server', () => {
  it.each(corpus.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const { status, json } = await send(testCase);
    expect(status, JSON.stringify(json)).toBe(testCase.expectStatus);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(json.code).toBe(testCase.expectCode);
    expect(typeof json.error).toBe('string');
    expect(json.error.length).toBeGreaterThan(10);
  });

  it('is still ready and answering valid requests afterwards', async () => {
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    const res = await fetch(`${server.url}/v2/models/mlp/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 784], data: new Array(784).fill(0.5) }] }),
    });
    expect(res.status).toBe(200);
  });
});
