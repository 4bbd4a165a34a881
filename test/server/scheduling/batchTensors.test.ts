import { describe, expect, it } from 'vitest';
import { prepareTransfer, splitOutputs, stackInputs } from '../../../src/server/batchTensors.ts';
import type { Tensor } from '../../../src/server/codec/tensor.ts';

const f32 = (name: string, shape: number[], values: number[]): Tensor => ({ name, datatype: 'FP32', shape, data: Float32Array.from(values) });

describe('stackInputs', () => {
  it('stacks every input along dim 0 in request order, into fresh buffers', () => {
    const a = [f32('x', [1, 2], [1, 2]), { name: 'ids', datatype: 'INT64', shape: [1, 1], data: BigInt64Array.from([7n]) } as Tensor];
    const b = [f32('x', [2, 2], [3, 4, 5, 6]), { name: 'ids', datatype: 'INT64', shape: [2, 1], data: BigInt64Array.from([8n, 9n]) } as Tensor];
    const [x, ids] = stackInputs([a, b]);
    expect(x.shape).toEqual([3, 2]);
    expect([...x.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(x.data.buffer).not.toBe(a[0].data.buffer);
    expect(ids.datatype).toBe('INT64');
    expect([...(ids.data as BigInt64Array)]).toEqual([7n, 8n, 9n]);
  });
});

describe('splitOutputs', () => {
  it('gives each request its own rows, with its own batch dim', () => {
    const out = f32('y', [3, 2], [1, 2, 3, 4, 5, 6]);
    const [first, second] = splitOutputs([out], [1, 2]);
    expect(first[0].shape).toEqual([1, 2]);
    expect([...first[0].data]).toEqual([1, 2]);
    expect(second[0].shape).toEqual([2, 2]);
    expect([...second[0].data]).toEqual([3, 4, 5, 6]);
    // Copies: each request owns a compact buffer.
    expect(second[0].data.byteOffset).toBe(0);
    expect(second[0].data.buffer.byteLength).toBe(16);
  });

  it('refuses an output whose rows do not match the batch', () => {
    expect(() => splitOutputs([f32('y', [2, 1], [1, 2])], [1, 2])).toThrow(/'y' has 2 rows for a batch of 3/);
  });
});

describe('prepareTransfer', () => {
  it('transfers a tensor that owns its whole buffer as it is', () => {
    const t = f32('x', [1, 2], [1, 2]);
    const { tensors, transfer } = prepareTransfer([t]);
    expect(tensors[0]).toBe(t);
    expect(transfer).toEqual([t.data.buffer]);
  });

  it('copies a view into a larger buffer instead of detaching the rest of it', () => {
    const body = new ArrayBuffer(64);
    const t: Tensor = { name: 'x', datatype: 'FP32', shape: [1, 2], data: new Float32Array(body, 8, 2) };
    t.data[0] = 5;
    const { tensors, transfer } = prepareTransfer([t]);
    expect(tensors[0].data).not.toBe(t.data);
    expect([...tensors[0].data]).toEqual([5, 0]);
    expect(transfer).toEqual([tensors[0].data.buffer]);
    expect(transfer).not.toContain(body);
  });

  it('transfers a shared buffer only once and copies the second tensor', () => {
    const buffer = new ArrayBuffer(8);
    const a: Tensor = { name: 'a', datatype: 'FP32', shape: [1, 2], data: new Float32Array(buffer) };
    const b: Tensor = { name: 'b', datatype: 'FP32', shape: [1, 2], data: new Float32Array(buffer) };
    const { tensors, transfer } = prepareTransfer([a, b]);
    expect(tensors[0]).toBe(a);
    expect(tensors[1].data.buffer).not.toBe(buffer);
    expect(new Set(transfer).size).toBe(2);
  });
});
