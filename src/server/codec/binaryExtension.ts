// Triton's binary tensor data extension: a JSON header of `Inference-Header-Content-Length` bytes,
// then raw little-endian tensor bytes back to back. Shared by request decoding and response encoding.
import { serveError } from '../errors.ts';
import { DATATYPE_INFO, freshTensorData, type Datatype, type TensorAllocator, type TensorData } from './tensor.ts';

/** Header names as Node presents them (lower case). */
export const HEADER_LENGTH_HEADER = 'inference-header-content-length';

/** The JSON header's byte length, or undefined when the header is absent (a JSON-only body). */
export function parseHeaderLength(value: string | undefined, bodyLength: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^\d{1,15}$/.test(text)) {
    throw serveError('SB_ERR_BAD_REQUEST', `Inference-Header-Content-Length: expected a byte count, got ${JSON.stringify(value.slice(0, 32))}`);
  }
  const length = Number(text);
  if (length > bodyLength) {
    throw serveError('SB_ERR_BINARY_TRUNCATED', `Inference-Header-Content-Length: ${length} exceeds the body's ${bodyLength} bytes`);
  }
  return length;
}

/**
 * Copies one tensor's raw bytes out of the body into a buffer of its own (from `allocate`): the
 * tensor is transferred to a worker later, and a small request Buffer may be a view into Node's
 * shared pool. Assumes a little-endian host (x86-64, arm64), as Triton's wire format is little-endian.
 */
export function readBinaryTensor(body: Buffer, offset: number, datatype: Datatype, count: number, allocate: TensorAllocator = freshTensorData): TensorData {
  const data = allocate(datatype, count);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  bytes.set(body.subarray(offset, offset + data.byteLength));
  // ONNX Runtime reads BOOL as one byte per element; anything but 0/1 is undefined there.
  if (datatype === 'BOOL') for (let i = 0; i < bytes.length; i++) bytes[i] = bytes[i] === 0 ? 0 : 1;
  return data;
}

/** Checks a declared binary_data_size against the shape and the bytes left in the body. */
export function checkBinarySize(declared: number, datatype: Datatype, count: number, available: number, field: string): void {
  const needed = count * DATATYPE_INFO[datatype].bytes;
  if (declared !== needed) {
    throw serveError('SB_ERR_BINARY_TRUNCATED', `${field}: expected ${needed} bytes (${count} × ${datatype}), got binary_data_size ${declared}`);
  }
  if (declared > available) {
    throw serveError('SB_ERR_BINARY_TRUNCATED', `${field}: binary_data_size ${declared} runs past the body: only ${available} bytes follow`);
  }
}

/** The little-endian bytes of a tensor, as a view (no copy) for writing a response. */
export function tensorBytes(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** A binary-extension response: the JSON header, then each chunk in header order. */
export function encodeBinaryBody(header: unknown, chunks: Uint8Array[]): { body: Buffer; headers: Record<string, string> } {
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const body = Buffer.concat([headerBytes, ...chunks]);
  return {
    body,
    headers: { 'content-type': 'application/octet-stream', [HEADER_LENGTH_HEADER]: String(headerBytes.length) },
  };
}
