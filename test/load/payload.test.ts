// Requests generated from the target's own metadata are valid for the real embedded server, in
// every encoding, and the same seed gives the same bodies.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/engine.ts';
import { buildPayloads, concreteShape, cycleRequests, fetchModelMetadata, generateRequests, inferPath, type PayloadTarget } from '../../src/load/payload.ts';
import { loadFixtureRequests } from '../../src/load/payloadFixture.ts';
import type { RequestTemplate } from '../../src/load/types.ts';
import type { PayloadSpec } from '../../src/contract/scenario.ts';
import type { RunningServer } from '../../src/server/server.ts';
import { startTestServer } from '../helpers/servers.ts';
import { collectingSink } from './tinyServer.ts';

let server: RunningServer;
const scratch = mkdtempSync(join(tmpdir(), 'servebench-payload-'));
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.shutdown('test done');
  rmSync(scratch, { recursive: true, force: true });
});

const spec = (over: Partial<PayloadSpec> = {}): PayloadSpec => ({ encoding: 'json', batch: 2, seed: 7, variants: 2, ...over });

async function send(t: RequestTemplate): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}${t.path}`, { method: t.method, headers: t.headers, body: new Uint8Array(t.body) });
  return { status: res.status, json: await res.json() };
}

describe('payloads from model metadata', () => {
  it('reads KServe v2 metadata: names, datatypes, shapes with -1 for the batch', async () => {
    const mlp = await fetchModelMetadata(server.url, 'mlp');
    expect(mlp.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 784] }]);
    const pipeline = await fetchModelMetadata(server.url, 'pipeline', '1');
    expect(pipeline.inputs[0]).toMatchObject({ name: 'image', datatype: 'UINT8', shape: [-1, 64, 64, 3] });
    await expect(fetchModelMetadata(server.url, 'nope')).rejects.toMatchObject({ code: 'SB_ERR_MODEL_METADATA', message: expect.stringMatching(/nope.*404/) });
  });

  it('fills the batch dimension from payload.batch and other dynamic dims with 1', () => {
    expect(concreteShape([-1, 784], 4)).toEqual([4, 784]);
    expect(concreteShape([-1, 3, -1, -1], 2)).toEqual([2, 3, 1, 1]);
    expect(concreteShape([3, 64, 64], 8)).toEqual([3, 64, 64]);
  });

  it.each([
    ['mlp', 'json'],
    ['mlp', 'binary'],
    ['cnn', 'json'],
    ['cnn', 'binary'],
    ['pipeline', 'json'],
    ['pipeline', 'binary'],
  ] as const)('%s as KServe %s tensors is answered 200 with the batch it sent', async (model, encoding) => {
    const target: PayloadTarget = { protocol: 'kserve-v2', model };
    const templates = await buildPayloads({ origin: server.url, target, payload: spec({ encoding }) });
    expect(templates).toHaveLength(2);
    for (const t of templates) {
      expect(t.path).toBe(`/v2/models/${model}/infer`);
      const { status, json } = await send(t);
      expect(status, JSON.stringify(json)).toBe(200);
      expect(json.outputs[0].shape[0]).toBe(2);
    }
  });

  it.each(['mlp', 'cnn', 'pipeline'])('%s as TorchServe-style raw bytes is answered 200, one answer per sample', async (model) => {
    const templates = await buildPayloads({ origin: server.url, target: { protocol: 'torchserve', model, version: '1' }, payload: spec({ batch: 3, variants: 1 }) });
    const [t] = templates;
    expect(t.path).toBe(`/predictions/${model}/1`);
    expect(t.headers['content-type']).toBe('application/octet-stream');
    const { status, json } = await send(t);
    expect(status, JSON.stringify(json)).toBe(200);
    expect(json).toHaveLength(3);
  });

  it('is deterministic from the seed, with distinct variants', async () => {
    const metadata = await fetchModelMetadata(server.url, 'cnn');
    const target: PayloadTarget = { protocol: 'kserve-v2', model: 'cnn' };
    const a = generateRequests(metadata, target, spec({ variants: 3, encoding: 'binary' }));
    const b = generateRequests(metadata, target, spec({ variants: 3, encoding: 'binary' }));
    const c = generateRequests(metadata, target, spec({ variants: 3, encoding: 'binary', seed: 8 }));
    expect(a.map((t, i) => t.body.equals(b[i].body))).toEqual([true, true, true]);
    expect(a[0].body.equals(a[1].body)).toBe(false);
    expect(a[0].body.equals(c[0].body)).toBe(false);
    // The JSON and binary forms of a variant carry the same values.
    const json = JSON.parse(generateRequests(metadata, target, spec({ variants: 1 }))[0].body.toString());
    const bin = generateRequests(metadata, target, spec({ variants: 1, encoding: 'binary' }))[0];
    const headerLength = Number(bin.headers['inference-header-content-length']);
    const floats = new Float32Array(bin.body.buffer.slice(bin.body.byteOffset + headerLength, bin.body.byteOffset + bin.body.length));
    expect(Array.from(floats)).toEqual(json.inputs[0].data);
  });

  it('cycles through its variants under load, every request answered', async () => {
    const templates = await buildPayloads({ origin: server.url, target: { protocol: 'kserve-v2', model: 'mlp' }, payload: spec({ encoding: 'binary', batch: 1, variants: 4 }) });
    const sink = collectingSink();
    const summary = await runLoad({ origin: server.url, load: { mode: 'closed', connections: 4, pipelining: 1 }, extent: { requests: 80 }, nextRequest: cycleRequests(templates), timeoutMs: 5000, sink });
    expect(summary.completed).toBe(80);
    expect(sink.samples.every((s) => s.outcome === 'ok')).toBe(true);
  });
});

describe('payload fixtures', () => {
  it('reads a folder of bodies (one per file, sorted) and a .jsonl of requests', async () => {
    const folder = join(scratch, 'bodies');
    mkdirSync(folder);
    writeFileSync(join(folder, 'b.bin'), Buffer.alloc(784, 7));
    writeFileSync(join(folder, 'a.json'), JSON.stringify(new Array(784).fill(3)));
    writeFileSync(join(folder, '.hidden'), 'x');
    const fromFolder = loadFixtureRequests(folder, '/predictions/mlp');
    expect(fromFolder.map((t) => t.headers['content-type'])).toEqual(['application/json', 'application/octet-stream']);
    for (const t of fromFolder) expect((await send(t)).status).toBe(200);

    const jsonl = join(scratch, 'requests.jsonl');
    writeFileSync(
      jsonl,
      [
        '// one request per line',
        JSON.stringify({ json: { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 784], data: new Array(784).fill(0.5) }] } }),
        JSON.stringify({ path: '/predictions/mlp', bodyBase64: Buffer.alloc(784, 1).toString('base64'), headers: { 'content-type': 'application/octet-stream' } }),
        '',
      ].join('\n'),
    );
    const fromJsonl = await buildPayloads({ origin: server.url, target: { protocol: 'kserve-v2', model: 'mlp' }, payload: spec({ fixture: 'requests.jsonl' }), baseDir: scratch });
    expect(fromJsonl.map((t) => t.path)).toEqual([inferPath({ protocol: 'kserve-v2', model: 'mlp' }), '/predictions/mlp']);
    for (const t of fromJsonl) expect((await send(t)).status).toBe(200);
  });

  it('refuses a missing, empty or malformed fixture with a message naming it', () => {
    expect(() => loadFixtureRequests('nope', '/x', scratch)).toThrow(/payload\.fixture nope/);
    mkdirSync(join(scratch, 'empty'));
    expect(() => loadFixtureRequests('empty', '/x', scratch)).toThrow(expect.objectContaining({ code: 'SB_ERR_PAYLOAD_FIXTURE', message: expect.stringMatching(/no request bodies/) }));
    writeFileSync(join(scratch, 'bad.jsonl'), '{"body": "a", "json": 1}\n');
    expect(() => loadFixtureRequests('bad.jsonl', '/x', scratch)).toThrow(/bad\.jsonl:1: needs exactly one of/);
  });

  it('asks for a fixture when a TorchServe-style target has no metadata', async () => {
    await expect(buildPayloads({ origin: server.url, target: { protocol: 'torchserve', model: 'nope' }, payload: spec() })).rejects.toMatchObject({
      code: 'SB_ERR_PAYLOAD',
      message: expect.stringMatching(/set payload\.fixture/),
    });
  });
});
