// What Node's HTTP parser and fastify's router refuse is answered like every other error: a 4xx
// in the project's JSON shape with an SB_ERR_* code, and the connection closed when the parser
// failed. Model names of any length get one answer.
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server/server.ts';
import { parseAnswers, rawRequest } from '../../helpers/rawHttp.ts';
import { startTestServer } from '../../helpers/servers.ts';

let server: RunningServer;
const sockets: Socket[] = [];
beforeAll(async () => {
  server = await startTestServer({ load_models: 'mlp', headers_timeout_ms: '500' });
});
afterAll(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.shutdown('test done');
});

/** Sends raw bytes and returns every answer that came before the server closed the connection. */
async function exchange(text: string) {
  return parseAnswers(await rawRequest(server.url, text, sockets).closed);
}

function projectError(answer: { body: string }): { error: string; code: string } {
  const json = JSON.parse(answer.body) as Record<string, unknown>;
  expect(Object.keys(json).sort()).toEqual(expect.arrayContaining(['code', 'error']));
  expect(json).not.toHaveProperty('statusCode');
  expect(json).not.toHaveProperty('message');
  return json as { error: string; code: string };
}

const infer = (length: number, body: string) =>
  `POST /v2/models/mlp/infer HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n${body}`;

describe("errors of Node's HTTP parser", { timeout: 30_000 }, () => {
  it('answers headers over the size limit with 431 SB_ERR_HEADERS_TOO_LARGE and closes the connection', async () => {
    const [answer, ...more] = await exchange(`GET /v2/health/ready HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(more).toEqual([]);
    expect(answer.status).toBe(431);
    expect(answer.headers).toMatch(/\r\ncontent-type: application\/json/i);
    expect(projectError(answer)).toEqual({ code: 'SB_ERR_HEADERS_TOO_LARGE', error: 'request line and headers are larger than the limit of 16384 bytes' });
  });

  it('answers headers that do not come within headers_timeout_ms with 408 SB_ERR_HEADERS_TIMEOUT', async () => {
    const [answer] = await exchange('POST /v2/models/mlp/infer HTTP/1.1\r\nhost: x\r\n');
    expect(answer.status).toBe(408);
    expect(projectError(answer)).toEqual({ code: 'SB_ERR_HEADERS_TIMEOUT', error: 'request headers not complete within headers_timeout_ms 500' });
  });

  it('answers a Content-Length that is not a number, or given twice, with 400 SB_ERR_BAD_REQUEST naming it', async () => {
    for (const lengths of ['content-length: abc', 'content-length: 5\r\ncontent-length: 6']) {
      const [answer] = await exchange(`POST /v2/models/mlp/infer HTTP/1.1\r\nhost: x\r\n${lengths}\r\n\r\n{"inputs":[]}`);
      expect(answer.status).toBe(400);
      const json = projectError(answer);
      expect(json.code).toBe('SB_ERR_BAD_REQUEST');
      expect(json.error).toMatch(/^Content-Length: the request is not valid HTTP\/1\.1: .+ \(HPE_[A-Z_]+\)$/);
    }
  });

  it('answers bytes that are not HTTP with 400 SB_ERR_BAD_REQUEST', async () => {
    const [answer] = await exchange('HELLO\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(projectError(answer)).toEqual({ code: 'SB_ERR_BAD_REQUEST', error: 'the request is not valid HTTP/1.1: Invalid method encountered (HPE_INVALID_METHOD)' });
  });

  it('answers a Content-Length shorter than the body: the request it declares first, then the leftover bytes, then closes', async () => {
    const answers = await exchange(infer(5, '{"inputs":[]}'));
    expect(answers.map((a) => a.status)).toEqual([400, 400]);
    expect(projectError(answers[0]).code).toBe('SB_ERR_INVALID_JSON');
    expect(projectError(answers[1]).code).toBe('SB_ERR_BAD_REQUEST');
  });

  it('answers pipelined requests before the bytes after them that are not HTTP, in order', async () => {
    const ready = 'GET /v2/health/ready HTTP/1.1\r\nhost: x\r\n\r\n';
    const answers = await exchange(`${ready}${ready.replace('ready', 'live')}HELLO\r\n\r\n`);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 400]);
    expect(projectError(answers[2]).code).toBe('SB_ERR_BAD_REQUEST');
  });

  it('still answers valid requests afterwards', async () => {
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
  });
});

describe("the router's refusals", () => {
  it('answers an unknown model with the same 404 whatever the length of its name (up to and past the 128 a name may have)', async () => {
    for (const length of [50, 101, 128, 129, 300]) {
      const res = await fetch(`${server.url}/v2/models/${'m'.repeat(length)}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status, `${length} characters`).toBe(404);
      expect((await res.json()).code).toBe('SB_ERR_MODEL_NOT_FOUND');
    }
  });

  it('answers a path segment past 1024 characters with 414 SB_ERR_URL_TOO_LONG, in the project shape', async () => {
    const res = await fetch(`${server.url}/v2/models/${'m'.repeat(1100)}/ready`);
    expect(res.status).toBe(414);
    expect(await res.json()).toEqual({ code: 'SB_ERR_URL_TOO_LONG', error: 'a segment of the URL path is longer than 1024 characters', request_id: expect.any(String) });
  });

  it('answers a URL that does not decode with 400 SB_ERR_BAD_REQUEST, in the project shape', async () => {
    const [answer] = await exchange('GET /v2/models/%zz/ready HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(projectError(answer).code).toBe('SB_ERR_BAD_REQUEST');
  });
});
