// KServe v2 decoding: JSON and binary round-trips into model-ordered tensors that own their buffers.
import { describe, expect, it } from 'vitest';
import { decodeKserveInfer } from '../../../src/server/codec/kserve.ts';
import { toHalfBits } from '../../../src/server/codec/fp16.ts';
import { ServeError, type ErrorCode } from '../../../src/server/errors.ts';
import type { ModelConfig } from '../../../src/server/repository/modelConfig.ts';
import { classifier, mixed, mlp, pair } from './models.ts';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const decode = (model: ModelConfig, body: Buffer, contentType: string | undefined = 'application/json', headerLength?: string) =>
  decodeKserveInfer(body, contentType, headerLength, { model, requestId: 'req-1' });

/** A binary-extension body: JSON header, then raw bytes; returns body and header length. */
function binaryBody(header: unknown, ...chunks: Uint8Array[]): { body: Buffer; headerLength: string } {
  const head = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([head, ...chunks]), headerLength: String(head.length) };
}

function refusal(fn: () => unknown): ServeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ServeError) return err;
    throw new Error(`expected a ServeError, got ${String(err)}`);
  }
  throw new Error('expected a ServeError, nothing was thrown');
}

function expectRefused(fn: () => unknown, code: ErrorCode, message: RegExp): void {
  const err = refusal(fn);
  expect(err.code, err.message).toBe(code);
  expect(err.message).toMatch(message);
}

const row = (seed: number) => Array.from({ length: 784 }, (_, i) => ((i * 7 + seed) % 13) / 8 - 0.75);

describe('decodeKserveInfer, JSON data', () => {
  it('decodes an mlp request of batch 3 into one FP32 tensor with the batch dim first', () => {
    const rows = [row(1), row(2), row(3)];
    const { request, binaryOutputs, clientId } = decode(mlp, json({ id: 'c-7', inputs: [{ name: 'input', shape: [3, 784], datatype: 'FP32', data: rows.flat() }] }));
    expect(request.id).toBe('req-1');
    expect(clientId).toBe('c-7');
    expect(request.batchSize).toBe(3);
    expect(request.outputs).toBeUndefined();
    expect(binaryOutputs.size).toBe(0);
    const [tensor] = request.inputs;
    expect(tensor.shape).toEqual([3, 784]);
    expect(tensor.data).toBeInstanceOf(Float32Array);
    expect(Array.from(tensor.data as Float32Array)).toEqual(rows.flat().map(Math.fround));
  });

  it('flattens nested row-major data the same as flat data', () => {
    const rows = [row(4), row(5)];
    const flat = decode(mlp, json({ inputs: [{ name: 'input', shape: [2, 784], datatype: 'FP32', data: rows.flat() }] }));
    const nested = decode(mlp, json({ inputs: [{ name: 'input', shape: [2, 784], datatype: 'FP32', data: rows }] }));
    expect(nested.request.inputs[0].data).toEqual(flat.request.inputs[0].data);
  });

  it('gives each tensor its own exactly-sized buffer, never a view into the request body', () => {
    const body = json({ inputs: [{ name: 'input', shape: [1, 784], datatype: 'FP32', data: row(0) }] });
    const data = decode(mlp, body).request.inputs[0].data;
    expect(data.byteOffset).toBe(0);
    expect(data.buffer.byteLength).toBe(784 * 4);
    expect(data.buffer).not.toBe(body.buffer);
  });

  it('puts inputs in the model order and decodes INT64, BOOL and UINT8 on a non-batching model', () => {
    const { request } = decode(
      mixed,
      json({
        inputs: [
          { name: 'pixels', shape: [3], datatype: 'UINT8', data: [0, 128, 255] },
          { name: 'mask', shape: [2, 2], datatype: 'BOOL', data: [[true, false], [false, true]] },
          { name: 'ids', shape: [2, 2], datatype: 'INT64', data: [[-9007199254740991, 0], [42, 9007199254740991]] },
        ],
      }),
    );
    expect(request.batchSize).toBe(1);
    expect(request.inputs.map((t) => t.name)).toEqual(['ids', 'mask', 'pixels']);
    expect(Array.from(request.inputs[0].data as BigInt64Array)).toEqual([-9007199254740991n, 0n, 42n, 9007199254740991n]);
    expect(Array.from(request.inputs[1].data as Uint8Array)).toEqual([1, 0, 0, 1]);
    expect(request.inputs[2].data).toEqual(new Uint8Array([0, 128, 255]));
  });

  it('refuses INT64 values that are not exact integers, and UINT8 values out of range', () => {
    const mixedBody = (ids: unknown[], pixels: unknown[]) =>
      json({
        inputs: [
          { name: 'ids', shape: [2, 1], datatype: 'INT64', data: ids },
          { name: 'mask', shape: [2, 1], datatype: 'BOOL', data: [true, false] },
          { name: 'pixels', shape: [3], datatype: 'UINT8', data: pixels },
        ],
      });
    expectRefused(() => decode(mixed, mixedBody([1.5, 2], [0, 0, 0])), 'SB_ERR_DATATYPE', /inputs\[0\]\.data element 0: expected an integer .* for INT64 .*got number 1\.5/);
    expectRefused(() => decode(mixed, mixedBody([2 ** 60, 2], [0, 0, 0])), 'SB_ERR_DATATYPE', /INT64 \(send binary data beyond 2\^53\)/);
    expectRefused(() => decode(mixed, mixedBody([1, 2], [0, 256, 0])), 'SB_ERR_DATATYPE', /inputs\[2\]\.data element 1: expected an integer in \[0, 255\] for UINT8, got number 256/);
  });

  it('refuses BOOL data given as numbers', () => {
    const body = json({
      inputs: [
        { name: 'ids', shape: [2, 1], datatype: 'INT64', data: [1, 2] },
        { name: 'mask', shape: [2, 1], datatype: 'BOOL', data: [1, 0] },
        { name: 'pixels', shape: [3], datatype: 'UINT8', data: [0, 0, 0] },
      ],
    });
    expectRefused(() => decode(mixed, body), 'SB_ERR_DATATYPE', /inputs\[1\]\.data element 0: expected true or false for BOOL, got number 1/);
  });

  it('refuses a missing model input by name even when others are present', () => {
    const body = json({ inputs: [{ name: 'ids', shape: [2, 1], datatype: 'INT64', data: [1, 2] }] });
    expectRefused(() => decode(mixed, body), 'SB_ERR_MISSING_INPUT', /needs "mask", "pixels"/);
  });

  it('converts FP16 numbers to half-float bits and keeps NaN strings when the model allows non-finite values', () => {
    const { request } = decode(
      pair,
      json({
        inputs: [
          { name: 'a', shape: [2, 2], datatype: 'FP32', data: ['NaN', 1, '-Infinity', 2] },
          { name: 'b', shape: [2, 2], datatype: 'FP16', data: [1, 0.1, 65504, 'Infinity'] },
        ],
      }),
    );
    expect(request.batchSize).toBe(2);
    const a = request.inputs[0].data as Float32Array;
    expect(Number.isNaN(a[0])).toBe(true);
    expect(a[2]).toBe(-Infinity);
    expect(Array.from(request.inputs[1].data as Uint16Array)).toEqual([0x3c00, toHalfBits(0.1), 0x7bff, 0x7c00]);
  });

  it('refuses null even when non-finite values are allowed, since it says nothing about which one', () => {
    const body = json({ inputs: [{ name: 'a', shape: [1, 2], datatype: 'FP32', data: [null, 1] }, { name: 'b', shape: [1, 2], datatype: 'FP16', data: [1, 1] }] });
    expectRefused(() => decode(pair, body), 'SB_ERR_DATATYPE', /inputs\[0\]\.data element 0: expected a number or "NaN"/);
  });

  it('refuses inputs whose batch sizes differ', () => {
    const body = json({ inputs: [{ name: 'a', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] }, { name: 'b', shape: [1, 2], datatype: 'FP16', data: [1, 2] }] });
    expectRefused(() => decode(pair, body), 'SB_ERR_SHAPE_MISMATCH', /inputs\[1\]\.shape\[0\]: batch 1 differs from inputs\[0\]\.shape\[0\] = 2/);
  });

  it('refuses a non-batching model shape that adds a batch dim, naming the expected dims', () => {
    const body = json({
      inputs: [
        { name: 'ids', shape: [1, 2, 1], datatype: 'INT64', data: [1, 2] },
        { name: 'mask', shape: [2, 1], datatype: 'BOOL', data: [true, false] },
        { name: 'pixels', shape: [3], datatype: 'UINT8', data: [0, 0, 0] },
      ],
    });
    expectRefused(() => decode(mixed, body), 'SB_ERR_SHAPE_MISMATCH', /inputs\[0\]\.shape: expected \[2, -1\] \(model does not batch\), got \[1, 2, 1\]/);
  });

  it('accepts a missing content type and a utf-8 charset', () => {
    const body = json({ inputs: [{ name: 'input', shape: [1, 784], datatype: 'FP32', data: row(0) }] });
    expect(decode(mlp, body, undefined).request.batchSize).toBe(1);
    expect(decode(mlp, body, 'application/json; charset=UTF-8').request.batchSize).toBe(1);
  });
});

describe('decodeKserveInfer, requested outputs', () => {
  const body = (extra: object) => json({ inputs: [{ name: 'input', shape: [1, 784], datatype: 'FP32', data: row(0) }], ...extra });

  it('lists requested outputs and marks binary ones per output', () => {
    const decoded = decode(mlp, body({ outputs: [{ name: 'logits', parameters: { binary_data: true } }] }));
    expect(decoded.request.outputs).toEqual(['logits']);
    expect([...decoded.binaryOutputs]).toEqual(['logits']);
  });

  it('makes every output binary with the request-level binary_data_output, unless one opts out', () => {
    expect([...decode(mlp, body({ parameters: { binary_data_output: true } })).binaryOutputs]).toEqual(['logits']);
    const optedOut = decode(mlp, body({ parameters: { binary_data_output: true }, outputs: [{ name: 'logits', parameters: { binary_data: false } }] }));
    expect(optedOut.binaryOutputs.size).toBe(0);
  });

  it('refuses malformed output parameters and duplicates', () => {
    expectRefused(() => decode(mlp, body({ parameters: { binary_data_output: 'yes' } })), 'SB_ERR_BAD_REQUEST', /parameters\.binary_data_output: expected true or false/);
    expectRefused(() => decode(mlp, body({ outputs: [{ name: 'logits' }, { name: 'logits' }] })), 'SB_ERR_BAD_REQUEST', /outputs\[1\]\.name: output "logits" is requested more than once/);
  });
});

describe('decodeKserveInfer, binary tensor extension', () => {
  it('reads a batch of 3 FP32 rows from the bytes after the JSON header', () => {
    const floats = Float32Array.from([row(1), row(2), row(3)].flat());
    const { body, headerLength } = binaryBody(
      { inputs: [{ name: 'input', shape: [3, 784], datatype: 'FP32', parameters: { binary_data_size: floats.byteLength } }] },
      new Uint8Array(floats.buffer),
    );
    const { request } = decode(mlp, body, 'application/octet-stream', headerLength);
    expect(request.batchSize).toBe(3);
    expect(request.inputs[0].data).toEqual(floats);
    expect(request.inputs[0].data.buffer).not.toBe(body.buffer);
    expect(request.inputs[0].data.buffer.byteLength).toBe(floats.byteLength);
  });

  it('reads binary inputs in request order, mixed with JSON ones, and puts them in model order', () => {
    const ids = BigInt64Array.from([2n ** 62n, -5n]);
    const pixels = Uint8Array.from([7, 8, 9]);
    const { body, headerLength } = binaryBody(
      {
        inputs: [
          { name: 'pixels', shape: [3], datatype: 'UINT8', parameters: { binary_data_size: 3 } },
          { name: 'mask', shape: [2, 1], datatype: 'BOOL', data: [false, true] },
          { name: 'ids', shape: [2, 1], datatype: 'INT64', parameters: { binary_data_size: 16 } },
        ],
      },
      pixels,
      new Uint8Array(ids.buffer),
    );
    const { request } = decode(mixed, body, 'application/json', headerLength);
    expect(request.inputs[0].data).toEqual(ids);
    expect(Array.from(request.inputs[1].data as Uint8Array)).toEqual([0, 1]);
    expect(request.inputs[2].data).toEqual(pixels);
  });

  it('normalises binary BOOL bytes to 0/1', () => {
    const { body, headerLength } = binaryBody(
      {
        inputs: [
          { name: 'ids', shape: [2, 1], datatype: 'INT64', data: [1, 2] },
          { name: 'mask', shape: [2, 1], datatype: 'BOOL', parameters: { binary_data_size: 2 } },
          { name: 'pixels', shape: [3], datatype: 'UINT8', data: [0, 0, 0] },
        ],
      },
      Uint8Array.from([0, 17]),
    );
    expect(Array.from(decode(mixed, body, 'application/octet-stream', headerLength).request.inputs[1].data as Uint8Array)).toEqual([0, 1]);
  });

  it('refuses binary_data_size without the header length, and data sent both ways', () => {
    const header = { inputs: [{ name: 'input', shape: [1, 784], datatype: 'FP32', parameters: { binary_data_size: 3136 } }] };
    expectRefused(() => decode(mlp, json(header)), 'SB_ERR_BAD_REQUEST', /binary_data_size: binary data needs the Inference-Header-Content-Length header/);
    const both = binaryBody({ inputs: [{ ...header.inputs[0], data: [0] }] }, new Uint8Array(3136));
    expectRefused(() => decode(mlp, both.body, 'application/octet-stream', both.headerLength), 'SB_ERR_BAD_REQUEST', /inputs\[0\]: has both data and parameters\.binary_data_size/);
  });

  it('refuses a binary body whose JSON header is invalid, naming the header', () => {
    const body = Buffer.concat([Buffer.from('{"inputs":'), new Uint8Array(8)]);
    expectRefused(() => decode(mlp, body, 'application/octet-stream', '10'), 'SB_ERR_INVALID_JSON', /inference header: invalid JSON/);
  });
});

it('accepts the shape check on a dynamic dim and refuses a mismatch on a fixed one', () => {
  const body = (shape: number[]) => json({ inputs: [{ name: 'image', shape, datatype: 'FP32', data: new Array(shape.reduce((a, b) => a * b, 1)).fill(0) }] });
  expect(decode(classifier, body([4, 2, 2])).request.batchSize).toBe(4);
  expectRefused(() => decode(classifier, body([5, 2, 2])), 'SB_ERR_BATCH_TOO_LARGE', /batch 5 exceeds max_batch_size 4/);
  expectRefused(() => decode(classifier, body([1, 2, 3])), 'SB_ERR_SHAPE_MISMATCH', /expected \[-1, 2, 2\] \(batch first\), got \[1, 2, 3\]/);
});
