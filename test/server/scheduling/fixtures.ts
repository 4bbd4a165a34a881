// Tiny ONNX models built on the fly for scheduler tests, and settings/config factories.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Elem, encodeModel, initializer, node, valueInfo } from '../../../scripts/models/onnx-builder.ts';
import type { Tensor } from '../../../src/server/codec/tensor.ts';
import type { InferRequest, ServingSettings } from '../../../src/server/inference.ts';
import type { ModelConfig } from '../../../src/server/repository/modelConfig.ts';

export const MODELS_DIR = fileURLToPath(new URL('../../../models/', import.meta.url));

export interface TinyModels {
  dir: string;
  /** Relu over FP32 x [batch, 4]. */
  relu: string;
  /** Relu over FP32 x [batch, n]: a dynamic non-batch dim. */
  reluDynamic: string;
  /** x [batch, 512] through 128 MatMuls with one 512x512 weight: ~67 MFLOP a row, to outlast short timeouts. */
  slow: string;
  cleanup(): void;
}

export function buildTinyModels(): TinyModels {
  const dir = mkdtempSync(join(tmpdir(), 'servebench-sched-'));
  const write = (name: string, bytes: Uint8Array) => {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    return file;
  };
  const relu = (n: number | string) =>
    encodeModel({
      name: 'relu',
      nodes: [node('Relu', ['x'], ['y'])],
      inputs: [valueInfo('x', Elem.FLOAT, ['batch', n])],
      outputs: [valueInfo('y', Elem.FLOAT, ['batch', n])],
    });
  const layers = 128;
  const width = 512;
  const weight = Float32Array.from({ length: width * width }, (_, i) => ((i % 7) - 3) / width);
  const slow = encodeModel({
    name: 'slow',
    nodes: Array.from({ length: layers }, (_, i) => node('MatMul', [i === 0 ? 'x' : `h${i}`, 'w'], [i === layers - 1 ? 'y' : `h${i + 1}`])),
    inputs: [valueInfo('x', Elem.FLOAT, ['batch', width])],
    outputs: [valueInfo('y', Elem.FLOAT, ['batch', width])],
    initializers: [initializer('w', [width, width], weight)],
  });
  return {
    dir,
    relu: write('relu.onnx', relu(4)),
    reluDynamic: write('relu_dynamic.onnx', relu('n')),
    slow: write('slow.onnx', slow),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function settings(overrides: Partial<ServingSettings> = {}): ServingSettings {
  return {
    workers: 1,
    intra_op_threads: 1,
    execution_provider: 'cpu',
    max_batch_size: 16,
    max_batch_delay_us: 0,
    preferred_batch_sizes: [],
    max_queue_size: 64,
    request_timeout_ms: 30_000,
    ...overrides,
  };
}

/** A single-input FP32 model config; dims exclude the batch dim. */
export function fp32Config(name: string, dims: number[], maxBatchSize = 16): ModelConfig {
  return {
    name,
    version: '1',
    platform: 'onnxruntime',
    model_file: `${name}.onnx`,
    max_batch_size: maxBatchSize,
    input: [{ name: 'x', datatype: 'FP32', dims }],
    output: [{ name: 'y', datatype: 'FP32', dims }],
  };
}

export function fp32Request(id: string, name: string, shape: number[], data: Float32Array): InferRequest {
  const input: Tensor = { name, datatype: 'FP32', shape, data };
  return { id, inputs: [input], batchSize: shape[0] };
}

/** Settle a promise into a value or the error's code, so tests can assert on both at once. */
export async function outcome<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; code: string; message: string }> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    const e = err as { code?: string; message: string };
    return { ok: false, code: e.code ?? 'none', message: e.message };
  }
}
