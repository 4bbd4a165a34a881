// Recycled tensor buffers of one model. A request's input buffer travels to a worker and comes
// back with the batch's result, then carries a later request's tensor. Why: a fresh 48 KiB buffer
// per request (one cnn image) is zero-filled and, while the GC lags (a busy machine, a fresh
// server), lands on pages not yet touched: measured ~27 page faults per cnn request before, ~12
// after (the rest is Node's own body copy); a fault costs ~25 us in this VM. Warm and idle, the
// served cnn's CPU per request went from 2.44 to 2.24 ms.
import { DATATYPE_INFO, type Tensor, type TensorAllocator } from './codec/tensor.ts';

/** Smaller buffers come from the allocator's bins cheaply; pooling them buys nothing. */
const MIN_POOLED_BYTES = 4096;

export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  /** Guards against a buffer given twice, which would hand one buffer to two requests. */
  private readonly pooled = new WeakSet<ArrayBuffer>();
  private pooledBytes = 0;

  /** `maxBytes` bounds what the pool keeps idle; beyond it returned buffers are left to the GC. */
  constructor(private readonly maxBytes: number) {}

  /** A buffer of exactly `byteLength` bytes. Recycled contents are stale: the caller overwrites all of it. */
  take(byteLength: number): ArrayBuffer {
    const list = this.free.get(byteLength);
    const buffer = list?.pop();
    if (buffer === undefined) return new ArrayBuffer(byteLength);
    if (list!.length === 0) this.free.delete(byteLength);
    this.pooled.delete(buffer);
    this.pooledBytes -= byteLength;
    return buffer;
  }

  /** Typed-array form of take(), for decoders and batch stacking. */
  readonly allocate: TensorAllocator = (datatype, count) => {
    const info = DATATYPE_INFO[datatype];
    const bytes = count * info.bytes;
    return bytes < MIN_POOLED_BYTES ? info.create(count) : info.fromBuffer(this.take(bytes), 0, count);
  };

  /** Keep a buffer nobody uses any more. Detached (0-byte) and shared buffers are ignored. */
  give(buffer: ArrayBufferLike): void {
    const size = buffer.byteLength;
    if (!(buffer instanceof ArrayBuffer) || size < MIN_POOLED_BYTES || size > this.maxBytes || this.pooled.has(buffer)) return;
    // Sizes seen once (an odd batch) must not crowd out the sizes in use: evict the oldest size class.
    while (this.pooledBytes + size > this.maxBytes) this.evictOneNotOf(size);
    this.pooled.add(buffer);
    const list = this.free.get(size);
    if (list) list.push(buffer);
    else this.free.set(size, [buffer]);
    this.pooledBytes += size;
  }

  /** Give back the buffers of tensors that own them outright (a view into a larger buffer is not ours to recycle). */
  recycle(tensors: readonly Tensor[]): void {
    for (const { data } of tensors) {
      if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) this.give(data.buffer);
    }
  }

  /** Drops one buffer from the oldest-listed size class other than `keep` (else from `keep` itself). */
  private evictOneNotOf(keep: number): void {
    let victim: number | undefined;
    for (const size of this.free.keys()) {
      victim = size;
      if (size !== keep) break;
    }
    const list = this.free.get(victim!)!;
    const dropped = list.shift()!;
    this.pooled.delete(dropped);
    this.pooledBytes -= dropped.byteLength;
    if (list.length === 0) this.free.delete(victim!);
  }

  get idleBytes(): number {
    return this.pooledBytes;
  }
}
