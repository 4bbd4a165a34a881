// Turning a batch's requests into the tensors one model run takes, and its outputs back into
// each request's rows. Pure; the scheduler decides when, this decides how.
import { elementCount, freshTensorData, type Tensor, type TensorAllocator } from './codec/tensor.ts';

/**
 * Stack the requests' inputs along dim 0: one buffer per input, from `allocate`.
 * The batcher has already made sure the non-batch dims agree (same shapeKey).
 */
export function stackInputs(requests: readonly (readonly Tensor[])[], allocate: TensorAllocator = freshTensorData): Tensor[] {
  const first = requests[0];
  return first.map((head, k) => {
    const rows = requests.reduce((n, inputs) => n + inputs[k].shape[0], 0);
    const shape = [rows, ...head.shape.slice(1)];
    const data = allocate(head.datatype, elementCount(shape));
    let offset = 0;
    for (const inputs of requests) {
      const part = inputs[k].data;
      // Every TensorData of one datatype is the same typed-array class.
      (data as Float32Array).set(part as Float32Array, offset);
      offset += part.length;
    }
    return { name: head.name, datatype: head.datatype, shape, data };
  });
}

/**
 * Give each request its own rows of every output: `sizes[i]` rows for request i, in batch order.
 * Rows are copied out so each request owns a compact buffer it can hand on.
 */
export function splitOutputs(outputs: readonly Tensor[], sizes: readonly number[]): Tensor[][] {
  const total = sizes.reduce((a, b) => a + b, 0);
  for (const out of outputs) {
    if (out.shape[0] !== total) {
      throw new Error(`output '${out.name}' has ${out.shape[0] ?? 'no'} rows for a batch of ${total}; cannot split it per request`);
    }
  }
  let row = 0;
  return sizes.map((size) => {
    const start = row;
    row += size;
    return outputs.map((out) => {
      const rowElems = elementCount(out.shape.slice(1));
      return {
        name: out.name,
        datatype: out.datatype,
        shape: [size, ...out.shape.slice(1)],
        data: out.data.slice(start * rowElems, (start + size) * rowElems),
      };
    });
  });
}

/**
 * Make `tensors` safe to transfer to a worker and list the buffers to transfer.
 * A tensor whose data is exactly its whole ArrayBuffer, not shared with another tensor here, moves
 * as it is (no copy); a view into a bigger buffer (an HTTP body, Node's Buffer pool) or a
 * SharedArrayBuffer is copied first, since transferring would detach memory other code still uses.
 */
export function prepareTransfer(tensors: readonly Tensor[]): { tensors: Tensor[]; transfer: ArrayBuffer[] } {
  const seen = new Set<ArrayBufferLike>();
  const transfer: ArrayBuffer[] = [];
  const out = tensors.map((t) => {
    const buffer = t.data.buffer;
    const whole = t.data.byteOffset === 0 && t.data.byteLength === buffer.byteLength;
    if (whole && buffer instanceof ArrayBuffer && !seen.has(buffer)) {
      seen.add(buffer);
      transfer.push(buffer);
      return t;
    }
    const data = t.data.slice();
    transfer.push(data.buffer as ArrayBuffer);
    return { ...t, data };
  });
  return { tensors: out, transfer };
}
