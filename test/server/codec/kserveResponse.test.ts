// KServe v2 response encoding: JSON with flat data, or a binary body that parses back.
import { describe, expect, it } from 'vitest';
import { encodeKserveInfer } from '../../../src/server/codec/kserve.ts';
import { toHalfBits } from '../../../src/server/codec/fp16.ts';
import type { Tensor } from '../../../src/server/codec/tensor.ts';
import type { InferResult } from '../../../src/server/inference.ts';

const logits: Tensor = { name: 'logits', datatype: 'FP32', shape: [2, 3], data: Float32Array.from([0.5, -1, 2, 3, NaN, -Infinity]) };
const tokens: Tensor = { name: 'tokens', datatype: 'INT64', shape: [3], data: BigInt64Array.from([1n, -2n, 2n ** 60n]) };
const flags: Tensor = { name: 'flags', datatype: 'BOOL', shape: [2], data: Uint8Array.from([1, 0]) };
const halves: Tensor = { name: 'halves', datatype: 'FP16', shape: [2], data: Uint16Array.from([toHalfBits(1.5), toHalfBits(-2)]) };
const result = (outputs: Tensor[]): InferResult => ({ outputs, queueUs: 10, computeUs: 20, batchSize: 4 });
const ctx = { modelName: 'm', modelVersion: '3', binaryOutputs: new Set<string>() };

/** Splits a binary-extension body into its JSON header and the raw bytes after it. */
function splitBinary(encoded: { body: Buffer | string; headers: Record<string, string> }) {
  expect(Buffer.isBuffer(encoded.body)).toBe(true);
  const body = encoded.body as Buffer;
  const headerLength = Number(encoded.headers['inference-header-content-length']);
  return { header: JSON.parse(body.subarray(0, headerLength).toString('utf8')), bytes: body.subarray(headerLength) };
}

describe('encodeKserveInfer', () => {
  it('answers JSON with flat data, names for non-finite floats, booleans, decoded halves and exact 64-bit integers', () => {
    const encoded = encodeKserveInfer(result([logits, tokens, flags, halves]), { ...ctx, clientId: 'abc' });
    expect(encoded.headers['content-type']).toBe('application/json');
    expect(JSON.parse(encoded.body as string)).toEqual({
      model_name: 'm',
      model_version: '3',
      id: 'abc',
      outputs: [
        { name: 'logits', datatype: 'FP32', shape: [2, 3], data: [0.5, -1, 2, 3, 'NaN', '-Infinity'] },
        { name: 'tokens', datatype: 'INT64', shape: [3], data: [1, -2, '1152921504606846976'] },
        { name: 'flags', datatype: 'BOOL', shape: [2], data: [true, false] },
        { name: 'halves', datatype: 'FP16', shape: [2], data: [1.5, -2] },
      ],
    });
  });

  it('omits id when the request had none and keeps the requested output order', () => {
    const body = JSON.parse(encodeKserveInfer(result([logits, tokens]), { ...ctx, requestedOutputs: ['tokens'] }).body as string);
    expect('id' in body).toBe(false);
    expect(body.outputs.map((o: { name: string }) => o.name)).toEqual(['tokens']);
  });

  it('writes binary outputs after the JSON header with their sizes, and the bytes parse back', () => {
    const encoded = encodeKserveInfer(result([logits, tokens, flags]), { ...ctx, binaryOutputs: new Set(['logits', 'tokens']) });
    expect(encoded.headers['content-type']).toBe('application/octet-stream');
    const { header, bytes } = splitBinary(encoded);
    const [l, t, f] = header.outputs;
    expect(l).toEqual({ name: 'logits', datatype: 'FP32', shape: [2, 3], parameters: { binary_data_size: 24 } });
    expect(t.parameters.binary_data_size).toBe(24);
    expect('data' in l || 'data' in t).toBe(false);
    expect(f.data).toEqual([true, false]);
    expect(bytes.length).toBe(48);
    const aligned = new Uint8Array(bytes).buffer;
    expect(new Float32Array(aligned, 0, 6)).toEqual(logits.data);
    expect(new BigInt64Array(aligned, 24, 3)).toEqual(tokens.data);
  });

  it('writes only the bytes of the output view, not its whole backing buffer', () => {
    const backing = new Float32Array(10).fill(9);
    const view: Tensor = { name: 'logits', datatype: 'FP32', shape: [1, 2], data: backing.subarray(4, 6) };
    backing[4] = 1;
    backing[5] = 2;
    const { header, bytes } = splitBinary(encodeKserveInfer(result([view]), { ...ctx, binaryOutputs: new Set(['logits']) }));
    expect(header.outputs[0].parameters.binary_data_size).toBe(8);
    expect(new Float32Array(new Uint8Array(bytes).buffer)).toEqual(Float32Array.from([1, 2]));
  });

  it('fails as an internal error when a requested output is missing from the result', () => {
    expect(() => encodeKserveInfer(result([logits]), { ...ctx, requestedOutputs: ['probs'] })).toThrow(expect.objectContaining({ code: 'SB_ERR_INTERNAL' }));
  });
});
