// TorchServe-style /predictions: every accepted body form decodes to the same tensor, normalised
// per the model's preprocess spec; answers are top-k classes or raw rows.
import { describe, expect, it } from 'vitest';
import { decodeTorchserve, encodeTorchserve } from '../../../src/server/codec/torchserve.ts';
import type { Tensor } from '../../../src/server/codec/tensor.ts';
import { ServeError } from '../../../src/server/errors.ts';
import type { ModelConfig } from '../../../src/server/repository/modelConfig.ts';
import { classifier, mixed, mlp, pipeline } from './models.ts';

const decode = (model: ModelConfig, body: Buffer | string, contentType?: string) =>
  decodeTorchserve(typeof body === 'string' ? Buffer.from(body) : body, contentType, { model, requestId: 'r-9' });

const pixels = [0, 51, 255, 102, 10, 20, 30, 40];
/** classifier: (x / 255 - 0.5) / 0.25 */
const normalised = pixels.map((x) => Math.fround((x * (1 / 255) - 0.5) / 0.25));
const b64 = Buffer.from(pixels).toString('base64');

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ServeError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'no error';
}

describe('decodeTorchserve', () => {
  it.each([
    ['a flat JSON array', JSON.stringify(pixels), 'application/json'],
    ['a nested JSON array', JSON.stringify([[[0, 51], [255, 102]], [[10, 20], [30, 40]]]), 'application/json'],
    ['a JSON base64 string', JSON.stringify(b64), 'application/json'],
    ['{"data": [...]}', JSON.stringify({ data: pixels }), undefined],
    ['{"data": base64}', JSON.stringify({ data: b64 }), 'application/json'],
    ['{"instances": [...]}', JSON.stringify({ instances: [[0, 51, 255, 102], [[10, 20], [30, 40]]] }), 'application/json'],
    ['text/plain base64 with a line break', `${b64.slice(0, 4)}\r\n${b64.slice(4)}\n`, 'text/plain; charset=utf-8'],
    ['raw bytes', Buffer.from(pixels), 'application/octet-stream'],
  ])('decodes %s into a batch of 2 normalised FP32 samples', (_form, body, contentType) => {
    const request = decode(classifier, body, contentType);
    expect(request.id).toBe('r-9');
    expect(request.batchSize).toBe(2);
    expect(request.inputs).toHaveLength(1);
    const [tensor] = request.inputs;
    expect(tensor).toMatchObject({ name: 'image', datatype: 'FP32', shape: [2, 2, 2] });
    expect(Array.from(tensor.data as Float32Array)).toEqual(normalised);
    // 255 -> (1 - 0.5) / 0.25 = 2
    expect((tensor.data as Float32Array)[2]).toBe(2);
    expect(tensor.data.buffer.byteLength).toBe(8 * 4);
  });

  it('reads raw bytes as little-endian float32 for an mlp with no preprocess spec, copied out of the body', () => {
    const floats = Float32Array.from({ length: 784 }, (_, i) => i / 784);
    const body = Buffer.from(floats.buffer);
    const request = decode(mlp, body, 'application/octet-stream');
    expect(request.inputs[0].shape).toEqual([1, 784]);
    expect(request.inputs[0].data).toEqual(floats);
    expect(request.inputs[0].data.buffer).not.toBe(body.buffer);
  });

  it('passes bytes unchanged into a UINT8 input, in a fresh buffer', () => {
    const body = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const [tensor] = decode(pipeline, body, 'application/octet-stream').inputs;
    expect(tensor).toMatchObject({ datatype: 'UINT8', shape: [2, 4] });
    expect(tensor.data).toEqual(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(tensor.data.buffer).not.toBe(body.buffer);
  });

  it('refuses JSON numbers that are not bytes under uint8 encoding', () => {
    expect(codeOf(() => decode(pipeline, '[1, 2, 3, 256]'))).toMatch(/^SB_ERR_DATATYPE: body element 3: expected an integer in \[0, 255\]/);
    expect(codeOf(() => decode(pipeline, '[1, 2, 3, 0.5]'))).toMatch(/^SB_ERR_DATATYPE: body element 3/);
  });

  it('refuses float32 raw bytes that are not a whole number of samples, in bytes', () => {
    expect(codeOf(() => decode(mlp, Buffer.alloc(3137), 'application/octet-stream'))).toBe(
      'SB_ERR_SHAPE_MISMATCH: body: expected a multiple of 3136 bytes (784 float32 values per sample of input "input" [784]), got 3137',
    );
  });

  it('refuses NaN in float32 raw bytes', () => {
    const floats = new Float32Array(784);
    floats[5] = NaN;
    expect(codeOf(() => decode(mlp, Buffer.from(floats.buffer), 'application/octet-stream'))).toMatch(/^SB_ERR_NON_FINITE: body element 5/);
  });

  it('refuses instances whose entries are not one sample each', () => {
    expect(codeOf(() => decode(classifier, JSON.stringify({ instances: pixels })))).toMatch(/^SB_ERR_SHAPE_MISMATCH: instances: expected one entry per sample/);
  });

  it('refuses strict-base64 violations that Node would silently skip', () => {
    const junk = `${b64.slice(0, 4)}.${b64.slice(4)}`;
    expect(Buffer.from(junk, 'base64')).toHaveLength(8); // what a lenient decoder would accept
    expect(codeOf(() => decode(classifier, junk, 'text/plain'))).toMatch(/^SB_ERR_BASE64: body \(text\/plain base64\): invalid base64: character "\."/);
  });

  it('refuses models with several inputs, pointing to the v2 endpoint', () => {
    expect(codeOf(() => decode(mixed, '[1]'))).toMatch(/^SB_ERR_BAD_REQUEST: model "mixed" has 3 inputs; .*\/v2\/models\/mixed\/infer/);
  });

  it('refuses more samples than max_batch_size', () => {
    expect(codeOf(() => decode(classifier, Buffer.alloc(20), 'application/octet-stream'))).toMatch(/^SB_ERR_BATCH_TOO_LARGE: body: 5 samples exceed max_batch_size 4/);
  });
});

describe('encodeTorchserve', () => {
  const result = (output: Tensor) => ({ outputs: [output], queueUs: 0, computeUs: 0, batchSize: 1 });

  it('answers the top-k softmax classes with labels, as a single list for one sample', () => {
    const answer = encodeTorchserve(result({ name: 'logits', datatype: 'FP32', shape: [1, 4], data: Float32Array.from([1, 3, 2, 0]) }), classifier) as {
      label: string;
      index: number;
      probability: number;
    }[];
    expect(answer.map((c) => [c.label, c.index])).toEqual([
      ['dog', 1],
      ['bird', 2],
      ['cat', 0],
    ]);
    const z = Math.exp(1) + Math.exp(3) + Math.exp(2) + Math.exp(0);
    expect(answer[0].probability).toBeCloseTo(Math.exp(3) / z, 6);
  });

  it('answers one list per sample for a batch', () => {
    const answer = encodeTorchserve(result({ name: 'logits', datatype: 'FP32', shape: [2, 4], data: Float32Array.from([1, 3, 2, 0, 9, 0, 0, 0]) }), classifier) as { label: string }[][];
    expect(answer).toHaveLength(2);
    expect(answer[1][0].label).toBe('cat');
  });

  it('answers raw rows without a postprocess spec', () => {
    const data = Float32Array.from({ length: 20 }, (_, i) => i);
    expect(encodeTorchserve(result({ name: 'logits', datatype: 'FP32', shape: [2, 10], data }), mlp)).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    ]);
    expect(encodeTorchserve(result({ name: 'logits', datatype: 'FP32', shape: [1, 10], data: data.subarray(0, 10) }), mlp)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
