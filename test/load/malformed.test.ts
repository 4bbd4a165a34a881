// The malformed phase's mix: each class in its share, deterministic by seed, aimed at the target
// model, and every pick answered by the real server with the status its case expects.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/engine.ts';
import { checkMix, createMalformedMix, retargetPath } from '../../src/load/malformed.ts';
import { loadMalformedCorpus } from '../../src/load/malformedCorpus.ts';
import { buildPayloads, cycleRequests } from '../../src/load/payload.ts';
import type { RequestTemplate } from '../../src/load/types.ts';
import { ERROR_STATUS } from '../../src/server/errors.ts';
import type { RunningServer } from '../../src/server/server.ts';
import { startTestServer } from '../helpers/servers.ts';
import { collectingSink } from './tinyServer.ts';

const corpus = loadMalformedCorpus('mlp');
const VALID: RequestTemplate = { method: 'POST', path: '/v2/models/mlp/infer', headers: {}, body: Buffer.alloc(0), requestClass: 'valid' };

describe('the malformed corpus', () => {
  it("expects, for every case, the status the server's own table gives its code", () => {
    // The loader lives in the harness, which must not import the server: this keeps the cross-check.
    for (const c of corpus) expect(ERROR_STATUS[c.expectCode as keyof typeof ERROR_STATUS], c.name).toBe(c.expectStatus);
  });

  it('refuses a contentLength that tells no lie, is not a byte count, or sits on a codec case', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-corpus-'));
    try {
      const base = { name: 'lie', class: 'length_lie', layer: 'http', method: 'POST', path: '/v2/models/mlp/infer', headers: {}, body: '{}', expectStatus: 400, expectCode: 'SB_ERR_INVALID_JSON' };
      const refusal = (change: object) => {
        writeFileSync(path.join(dir, 'm.json'), JSON.stringify([{ ...base, ...change }]));
        return () => loadMalformedCorpus('m', dir);
      };
      expect(refusal({ contentLength: 2 })).toThrow(/contentLength 2 is the body's true length/);
      expect(refusal({ contentLength: -1 })).toThrow(/contentLength must be a byte count/);
      expect(refusal({ contentLength: 1, layer: 'codec' })).toThrow(/layer must be http/);
      expect(refusal({ contentLength: 1, headers: { 'Content-Length': '2' } })).toThrow(/must not name content-length/);
      expect(refusal({ contentLength: 1 })()).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers each class with one status', () => {
    const statuses = new Map<string, Set<number>>();
    for (const c of corpus) statuses.set(c.class, (statuses.get(c.class) ?? new Set()).add(c.expectStatus));
    for (const [cls, set] of statuses) expect(set.size, cls).toBe(1);
  });
});

describe('the malformed mix', () => {
  it('rewrites the corpus model in paths to the target model, and only that name', () => {
    expect(retargetPath('/v2/models/mlp/infer', 'mlp', 'cnn')).toBe('/v2/models/cnn/infer');
    expect(retargetPath('/v2/models/mlp/versions/99/infer', 'mlp', 'resnet 50')).toBe('/v2/models/resnet%2050/versions/99/infer');
    expect(retargetPath('/predictions/mlp', 'mlp', 'cnn')).toBe('/predictions/cnn');
    expect(retargetPath('/v2/models/nope/infer', 'mlp', 'cnn')).toBe('/v2/models/nope/infer');
    expect(retargetPath('/v2/models/mlpx/infer', 'mlp', 'cnn')).toBe('/v2/models/mlpx/infer');
  });

  it('refuses unknown classes and shares over 100% by name', () => {
    const classes = new Set(corpus.map((c) => c.class));
    expect(() => checkMix({ invalid_jsn: 10 }, classes)).toThrow(/unknown malformed class "invalid_jsn".*invalid_json/);
    expect(() => checkMix({ invalid_json: 60, negative_dim: 50 }, classes)).toThrow(expect.objectContaining({ code: 'SB_ERR_MALFORMED_MIX', message: expect.stringMatching(/110%/) }));
    expect(() => checkMix({ invalid_json: -1 }, classes)).toThrow(/mix\.invalid_json/);
  });

  it('picks classes in their shares, the same sequence for the same seed', () => {
    const options = { cases: corpus, mix: { invalid_json: 20, negative_dim: 10 }, model: 'mlp', valid: () => VALID, seed: 3 };
    const a = createMalformedMix(options);
    const b = createMalformedMix(options);
    const picks = Array.from({ length: 5000 }, () => a());
    expect(picks.map((t) => t.requestClass)).toEqual(Array.from({ length: 5000 }, () => b().requestClass));
    const share = (cls: string) => picks.filter((t) => t.requestClass === cls).length / picks.length;
    expect(share('invalid_json')).toBeCloseTo(0.2, 1);
    expect(share('negative_dim')).toBeCloseTo(0.1, 1);
    expect(share('valid')).toBeCloseTo(0.7, 1);
    // Cases of a class take turns: every invalid_json case is sent.
    const cases = corpus.filter((c) => c.class === 'invalid_json').length;
    expect(new Set(picks.filter((t) => t.requestClass === 'invalid_json').map((t) => `${t.path} ${t.body.toString()}`)).size).toBe(cases);
  });

  describe('against the real server', () => {
    let server: RunningServer;
    beforeAll(async () => {
      // A body deadline well below the client's timeout: it answers the case whose length is larger than its body.
      server = await startTestServer({ load_models: 'mlp', body_limit_bytes: String(1024 * 1024), body_timeout_ms: '500' });
    });
    afterAll(async () => {
      await server?.shutdown('test done');
    });

    it('gets every pick its expected status and every valid request a 200', async () => {
      const classes = [...new Set(corpus.map((c) => c.class))];
      const expected = new Map(corpus.map((c) => [c.class, c.expectStatus]));
      const mix = Object.fromEntries(classes.map((cls) => [cls, 80 / classes.length]));
      const valid = cycleRequests(await buildPayloads({ origin: server.url, target: { protocol: 'kserve-v2', model: 'mlp' }, payload: { encoding: 'json', batch: 1, seed: 1, variants: 2 } }));
      const sink = collectingSink();
      await runLoad({
        origin: server.url,
        load: { mode: 'closed', connections: 2, pipelining: 1 },
        extent: { requests: 300 },
        nextRequest: createMalformedMix({ cases: corpus, mix, model: 'mlp', valid, seed: 11 }),
        timeoutMs: 5000,
        sink,
      });
      expect(sink.samples).toHaveLength(300);
      const wrong = sink.samples.filter((s) => (s.requestClass === 'valid' ? s.outcome !== 'ok' : s.status !== expected.get(s.requestClass)));
      expect(wrong.map((s) => `${s.requestClass}: ${s.outcome}`)).toEqual([]);
      expect(new Set(sink.samples.map((s) => s.requestClass)).size).toBeGreaterThan(classes.length * 0.8);
      // The lying lengths went out as they lie (an HTTP client would have sent the true length and got a 400).
      expect(sink.samples.filter((s) => s.requestClass === 'length_over_body').length).toBeGreaterThan(0);
      expect(sink.samples.filter((s) => s.requestClass === 'length_under_body').length).toBeGreaterThan(0);
      expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    });
  });
});
