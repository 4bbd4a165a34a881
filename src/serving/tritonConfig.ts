// Triton's model configuration (the JSON of GET /v2/models/{m}/config, config.pbtxt's fields) in
// servebench's knob names, both ways: read a configuration's knobs, and write a trial's knobs into
// a configuration for Triton's repository API. Pure.
import type { ServingConfig } from './knobs.ts';

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const number = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

/** Triton's model configuration in servebench's knob names (only those it states). */
export function knobsOfTritonConfig(config: Json): Partial<ServingConfig> | undefined {
  const out: Partial<ServingConfig> = {};
  const maxBatch = number(config.max_batch_size);
  if (maxBatch !== undefined) out.max_batch_size = maxBatch;
  const batching = isRecord(config.dynamic_batching) ? config.dynamic_batching : undefined;
  const delay = number(batching?.max_queue_delay_microseconds);
  if (delay !== undefined) out.max_batch_delay_us = delay;
  const queue = number(isRecord(batching?.default_queue_policy) ? batching.default_queue_policy.max_queue_size : undefined);
  if (queue !== undefined && queue > 0) out.max_queue_size = queue;
  const group = Array.isArray(config.instance_group) && isRecord(config.instance_group[0]) ? config.instance_group[0] : undefined;
  const count = number(group?.count);
  if (count !== undefined) out.workers = count;
  const threads = isRecord(config.parameters) && isRecord(config.parameters.intra_op_thread_count) ? number(config.parameters.intra_op_thread_count.string_value) : undefined;
  if (threads !== undefined) out.intra_op_threads = threads;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The model configuration to load for a trial: the current one with the knobs replaced (max_batch_size,
 * dynamic_batching's delay, preferred sizes and queue, instance_group's count, ONNX Runtime's
 * intra_op_thread_count). Triton's repository API replaces config.pbtxt whole with what it is given,
 * so everything else (backend, inputs, outputs, other parameters) is carried over; when batching
 * turns on or off, each tensor gains or loses its leading batch dimension, as Triton requires.
 */
export function tritonConfigFor(current: Json, c: ServingConfig): Json {
  const { dynamic_batching: oldBatching, ...rest } = current;
  const wasBatching = (number(current.max_batch_size) ?? 0) > 0;
  const batching = c.max_batch_size > 0;
  const dims = (tensors: unknown) => (Array.isArray(tensors) && wasBatching !== batching
    ? tensors.map((t: unknown) => (isRecord(t) && Array.isArray(t.dims) ? { ...t, dims: batching ? t.dims.slice(1) : [-1, ...t.dims] } : t))
    : tensors);
  const old = isRecord(oldBatching) ? oldBatching : {};
  const group = Array.isArray(current.instance_group) && isRecord(current.instance_group[0]) ? current.instance_group[0] : { kind: 'KIND_CPU' };
  return {
    ...rest,
    max_batch_size: c.max_batch_size,
    ...(current.input !== undefined ? { input: dims(current.input) } : {}),
    ...(current.output !== undefined ? { output: dims(current.output) } : {}),
    ...(batching
      ? {
          dynamic_batching: {
            ...old,
            max_queue_delay_microseconds: c.max_batch_delay_us,
            preferred_batch_size: (c.preferred_batch_sizes ?? []).filter((n) => n >= 1 && n <= c.max_batch_size),
            default_queue_policy: { ...(isRecord(old.default_queue_policy) ? old.default_queue_policy : {}), max_queue_size: c.max_queue_size },
          },
        }
      : {}),
    instance_group: [{ ...group, count: c.workers }],
    parameters: { ...(isRecord(current.parameters) ? current.parameters : {}), intra_op_thread_count: { string_value: String(c.intra_op_threads) } },
  };
}
