// Checks shared by every protocol: a client's shape against sanity limits, the model's TensorSpec
// and its batching; float data against the model's non-finite policy.
import { serveError } from '../errors.ts';
import type { ModelConfig, TensorSpec } from '../repository/modelConfig.ts';
import { describeJson } from './body.ts';
import { isHalfNonFinite } from './fp16.ts';
import type { Datatype, TensorData } from './tensor.ts';

/** Largest element count one tensor may claim (1 GiB of FP32): beyond it a shape is refused before any allocation. */
export const MAX_ELEMENTS = 2 ** 28;
/** ONNX allows more, but no model we serve needs more dims than this; deeper is a malformed request. */
export const MAX_RANK = 16;

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** The shape the model expects, batch dim first (as -1) when it batches. */
export function expectedShape(spec: TensorSpec, model: ModelConfig): number[] {
  return model.max_batch_size > 0 ? [-1, ...spec.dims] : [...spec.dims];
}

/** Validates a client-sent shape: an array of positive integers, rank ≤ MAX_RANK, count ≤ MAX_ELEMENTS. */
export function checkShapeSanity(shape: unknown, field: string): number[] {
  if (!Array.isArray(shape)) {
    throw serveError('SB_ERR_SHAPE_INVALID', `${field}: expected an array of dims, got ${describeJson(shape)}`);
  }
  if (shape.length > MAX_RANK) {
    throw serveError('SB_ERR_SHAPE_INVALID', `${field}: expected at most ${MAX_RANK} dims, got ${shape.length}`);
  }
  let count = 1;
  for (let i = 0; i < shape.length; i++) {
    const dim: unknown = shape[i];
    // Zero-sized tensors are refused too: no served model takes them and they make batch 0 possible.
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1) {
      throw serveError('SB_ERR_SHAPE_INVALID', `${field}[${i}]: expected a positive integer dim, got ${describeJson(dim)}`);
    }
    count *= dim;
    if (count > MAX_ELEMENTS) {
      throw serveError(
        'SB_ERR_SHAPE_INVALID',
        `${field}: ${JSON.stringify(shape).slice(0, 80)} holds more than ${MAX_ELEMENTS} elements (the server's limit per tensor)`,
      );
    }
  }
  return shape as number[];
}

/** Checks a sane shape against the model's dims and batching; returns the batch size (1 when the model does not batch). */
export function checkShapeAgainstSpec(shape: readonly number[], spec: TensorSpec, model: ModelConfig, field: string): number {
  const expected = expectedShape(spec, model);
  const batching = model.max_batch_size > 0;
  const matches = shape.length === expected.length && expected.every((dim, i) => dim === -1 || dim === shape[i]);
  if (!matches) {
    const note = batching ? ' (batch first)' : model.max_batch_size === 0 ? ' (model does not batch)' : '';
    throw serveError('SB_ERR_SHAPE_MISMATCH', `${field}: expected ${formatShape(expected)}${note}, got ${formatShape(shape)}`);
  }
  if (!batching) return 1;
  const batch = shape[0];
  if (batch > model.max_batch_size) {
    throw serveError(
      'SB_ERR_BATCH_TOO_LARGE',
      `${field}[0]: batch ${batch} exceeds max_batch_size ${model.max_batch_size} of model "${model.name}"`,
    );
  }
  return batch;
}

/** Every input of one request must carry the same batch size. */
export function checkSameBatch(batch: number, firstBatch: number, field: string, firstField: string): void {
  if (batch !== firstBatch) {
    throw serveError('SB_ERR_SHAPE_MISMATCH', `${field}[0]: batch ${batch} differs from ${firstField}[0] = ${firstBatch}; all inputs share one batch size`);
  }
}

/** Index of the first NaN/±Infinity in float data, or -1 (integer datatypes always answer -1). */
export function findNonFinite(data: TensorData, datatype: Datatype): number {
  if (datatype === 'FP32' || datatype === 'FP64') {
    const floats = data as Float32Array | Float64Array;
    for (let i = 0; i < floats.length; i++) {
      // x - x is 0 for finite x and NaN for NaN/±Infinity: one test instead of two.
      if (floats[i] - floats[i] !== 0) return i;
    }
  } else if (datatype === 'FP16') {
    const halves = data as Uint16Array;
    for (let i = 0; i < halves.length; i++) if (isHalfNonFinite(halves[i])) return i;
  }
  return -1;
}

/** Refuses NaN/Infinity unless the model opts in with allow_non_finite. */
export function checkFinite(data: TensorData, datatype: Datatype, model: ModelConfig, field: string): void {
  if (model.allow_non_finite === true) return;
  const at = findNonFinite(data, datatype);
  if (at < 0) return;
  const value = datatype === 'FP16' ? 'NaN or Infinity' : String(data[at]);
  throw serveError(
    'SB_ERR_NON_FINITE',
    `${field} element ${at}: ${value} as ${datatype} is not finite; model "${model.name}" refuses NaN/Infinity (allow_non_finite is not set)`,
  );
}
