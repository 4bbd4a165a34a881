// Random mutations of valid bodies: the decoders answer a tensor or a 4xx ServeError, nothing else.
import { describe, expect, it } from 'vitest';
import { decodeKserveInfer } from '../../../src/server/codec/kserve.ts';
import { decodeTorchserve } from '../../../src/server/codec/torchserve.ts';
import { ServeError } from '../../../src/server/errors.ts';
import { seededRandom } from '../../../src/server/faults.ts';
import type { ModelConfig } from '../../../src/server/repository/modelConfig.ts';
import { classifier, mixed, mlp, pair } from './models.ts';

/** The server's own seeded PRNG, so a failure reproduces. */
const rng = seededRandom;

const TOKENS = ['', '[', ']', '{', '}', ',', ':', '"', '-1', '0', '1e999', '1.5', 'null', 'true', '"NaN"', '[[', '"shape"', '"data"', '"FP32"', '\u0000', 'é', '9007199254740993', '"parameters":{"binary_data_size":4}'];

function mutate(body: Buffer, next: () => number): Buffer {
  const bytes = [...body];
  const edits = 1 + Math.floor(next() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (bytes.length + 1));
    const kind = next();
    if (kind < 0.3) bytes.splice(at, 1 + Math.floor(next() * 8));
    else if (kind < 0.6) bytes.splice(at, 0, ...Buffer.from(TOKENS[Math.floor(next() * TOKENS.length)]));
    else if (kind < 0.8) bytes[at] = Math.floor(next() * 256);
    else bytes.length = at; // truncation
  }
  return Buffer.from(bytes);
}

/** Runs `decode` on many mutations; returns how many were refused (the rest decoded). */
function fuzz(seed: number, runs: number, valid: Buffer, decode: (body: Buffer, next: () => number) => unknown): number {
  const next = rng(seed);
  let refused = 0;
  for (let i = 0; i < runs; i++) {
    const body = mutate(valid, next);
    try {
      decode(body, next);
    } catch (err) {
      if (!(err instanceof ServeError) || err.status < 400 || err.status >= 500) {
        throw new Error(`run ${i} (seed ${seed}) threw ${String(err)} for body ${JSON.stringify(body.toString('latin1').slice(0, 300))}`);
      }
      refused++;
    }
  }
  return refused;
}

const kserve = (model: ModelConfig) => (body: Buffer, next: () => number) => {
  // Sometimes claim a binary header of a random length, sometimes a random content type.
  const headerLength = next() < 0.2 ? String(Math.floor(next() * (body.length + 8))) : undefined;
  const contentType = headerLength !== undefined ? 'application/octet-stream' : next() < 0.1 ? 'text/plain' : 'application/json';
  return decodeKserveInfer(body, contentType, headerLength, { model, requestId: 'fuzz' });
};

describe('fuzzing the decoders', () => {
  it('KServe JSON bodies for mlp only ever decode or throw a 4xx ServeError', () => {
    const valid = Buffer.from(JSON.stringify({ id: 'x', inputs: [{ name: 'input', shape: [2, 784], datatype: 'FP32', data: new Array(1568).fill(0.25) }], outputs: [{ name: 'logits' }] }));
    expect(fuzz(1, 300, valid, kserve(mlp))).toBeGreaterThan(150);
  });

  it('KServe bodies with nested, BOOL, INT64 and FP16 data only ever decode or throw a 4xx ServeError', () => {
    const mixedBody = Buffer.from(
      JSON.stringify({
        inputs: [
          { name: 'ids', shape: [2, 2], datatype: 'INT64', data: [[1, 2], [3, 4]] },
          { name: 'mask', shape: [2, 2], datatype: 'BOOL', data: [[true, false], [false, true]] },
          { name: 'pixels', shape: [3], datatype: 'UINT8', data: [1, 2, 3] },
        ],
      }),
    );
    const pairBody = Buffer.from(JSON.stringify({ inputs: [{ name: 'a', shape: [1, 2], datatype: 'FP32', data: [[1, 'NaN']] }, { name: 'b', shape: [1, 2], datatype: 'FP16', data: [1, 2] }] }));
    expect(fuzz(2, 300, mixedBody, kserve(mixed))).toBeGreaterThan(150);
    expect(fuzz(3, 300, pairBody, kserve(pair))).toBeGreaterThan(150);
  });

  it('KServe binary bodies only ever decode or throw a 4xx ServeError', () => {
    const head = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', shape: [1, 2, 2], datatype: 'FP32', parameters: { binary_data_size: 16 } }] }));
    const valid = Buffer.concat([head, Buffer.from(Float32Array.from([1, 2, 3, 4]).buffer)]);
    const decode = (body: Buffer, next: () => number) =>
      decodeKserveInfer(body, 'application/octet-stream', String(Math.min(body.length, head.length + Math.floor(next() * 3) - 1)), { model: classifier, requestId: 'fuzz' });
    const refused = fuzz(4, 300, valid, decode);
    expect(refused).toBeGreaterThan(150);
  });

  it('TorchServe bodies only ever decode or throw a 4xx ServeError', () => {
    const types = ['application/json', 'text/plain', 'application/octet-stream', undefined];
    const decode = (body: Buffer, next: () => number) => decodeTorchserve(body, types[Math.floor(next() * types.length)], { model: classifier, requestId: 'fuzz' });
    expect(fuzz(5, 300, Buffer.from(JSON.stringify({ instances: [[1, 2, 3, 4], [5, 6, 7, 8]] })), decode)).toBeGreaterThan(100);
    expect(fuzz(6, 300, Buffer.from(JSON.stringify(Buffer.from([1, 2, 3, 4]).toString('base64'))), decode)).toBeGreaterThan(100);
  });

  it('refuses structurally hostile JSON without a stack overflow or a huge allocation', () => {
    const deep = Buffer.from(`{"inputs":[{"name":"input","shape":[1,784],"datatype":"FP32","data":${'['.repeat(100000)}${']'.repeat(100000)}}]}`);
    expect(() => kserve(mlp)(deep, () => 0.5)).toThrow(expect.objectContaining({ code: 'SB_ERR_SHAPE_MISMATCH' }));
    const huge = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [64, 784], datatype: 'FP32', data: [1] }] }));
    expect(() => decodeKserveInfer(huge, undefined, undefined, { model: mlp, requestId: 'x' })).toThrow(expect.objectContaining({ code: 'SB_ERR_SHAPE_MISMATCH', message: expect.stringMatching(/needs 50176 elements, got 1/) }));
    const proto = Buffer.from('{"__proto__":{"inputs":[1]},"inputs":[{"name":"__proto__","shape":[1],"datatype":"FP32","data":[1]}]}');
    expect(() => decodeKserveInfer(proto, undefined, undefined, { model: mlp, requestId: 'x' })).toThrow(expect.objectContaining({ code: 'SB_ERR_MISSING_INPUT' }));
  });
});
