// Every case of the malformed corpus gets its 4xx JSON error from the live server, which stays ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server/server.ts';
import { loadMalformedCorpus, materializeBody } from '../../helpers/malformedCorpus.ts';
import { startTestServer } from '../../helpers/servers.ts';

let server: RunningServer;
const corpus = loadMalformedCorpus('mlp');

beforeAll(async () => {
  server = await startTestServer({ load_models: 'mlp', body_limit_bytes: String(1024 * 1024) });
});
afterAll(async () => {
  await server?.shutdown('test done');
});

describe('malformed requests against the live server', () => {
  it.each(corpus.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const res = await fetch(`${server.url}${testCase.path}`, { method: testCase.method, headers: testCase.headers, body: new Uint8Array(materializeBody(testCase)) });
    const json = await res.json();
    expect(res.status, JSON.stringify(json)).toBe(testCase.expectStatus);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
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
