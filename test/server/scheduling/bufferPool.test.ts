import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../../src/server/bufferPool.ts';

describe('BufferPool', () => {
  it('hands a given-back buffer out again for the same size, and a fresh one for another size', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.take(48 * 1024);
    pool.give(a);
    expect(pool.take(48 * 1024)).toBe(a);
    expect(pool.take(48 * 1024)).not.toBe(a);
    pool.give(a);
    expect(pool.take(32 * 1024)).not.toBe(a);
  });

  it('keeps a buffer given twice only once, so it never reaches two requests', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.take(8192);
    pool.give(a);
    pool.give(a);
    expect(pool.idleBytes).toBe(8192);
    expect(pool.take(8192)).toBe(a);
    expect(pool.take(8192)).not.toBe(a);
  });

  it('stays under its byte limit by dropping the oldest other size first', () => {
    const pool = new BufferPool(100_000);
    const old = new ArrayBuffer(40_000);
    const current = [new ArrayBuffer(30_000), new ArrayBuffer(30_000)];
    pool.give(old);
    for (const b of current) pool.give(b);
    expect(pool.idleBytes).toBe(100_000);
    pool.give(new ArrayBuffer(30_000));
    expect(pool.idleBytes).toBe(90_000);
    expect(pool.take(40_000)).not.toBe(old);
  });

  it('ignores small, shared and detached buffers', () => {
    const pool = new BufferPool(1 << 20);
    pool.give(new ArrayBuffer(100));
    pool.give(new SharedArrayBuffer(8192));
    const detached = new ArrayBuffer(8192);
    structuredClone(detached, { transfer: [detached] });
    pool.give(detached);
    expect(pool.idleBytes).toBe(0);
  });

  it('recycles only tensors that own their whole buffer', () => {
    const pool = new BufferPool(1 << 20);
    const whole = new Float32Array(4096);
    const view = new Float32Array(new ArrayBuffer(8 * 4096), 4, 4096);
    pool.recycle([
      { name: 'a', datatype: 'FP32', shape: [1, 4096], data: whole },
      { name: 'b', datatype: 'FP32', shape: [1, 4096], data: view },
    ]);
    expect(pool.idleBytes).toBe(whole.byteLength);
    expect(pool.allocate('FP32', 4096).buffer).toBe(whole.buffer);
  });
});
