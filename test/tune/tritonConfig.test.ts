// Triton's model configuration in servebench's knob names, both ways.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVING_CONFIG } from '../../src/serving/knobs.ts';
import { knobsOfTritonConfig, tritonConfigFor } from '../../src/serving/tritonConfig.ts';

// As Triton 2.51 answers GET /v2/models/mlp/config for the Python-backend mlp (fields trimmed).
const unbatched = {
  name: 'mlp', backend: 'python', max_batch_size: 0, version_policy: { latest: { num_versions: 1 } },
  input: [{ name: 'input', data_type: 'TYPE_FP32', dims: [-1, 784] }],
  output: [{ name: 'logits', data_type: 'TYPE_FP32', dims: [-1, 10] }],
  instance_group: [{ name: 'mlp_0', kind: 'KIND_CPU', count: 1, gpus: [] }],
  parameters: { intra_op_thread_count: { string_value: '1' }, other: { string_value: 'kept' } },
};

describe('Triton model configuration', () => {
  it('reads max_batch_size, the batcher delay and queue, the instance count and the ONNX Runtime threads', () => {
    expect(knobsOfTritonConfig({ max_batch_size: 16, dynamic_batching: { max_queue_delay_microseconds: '500', preferred_batch_size: [16], default_queue_policy: { max_queue_size: '128' } }, instance_group: [{ count: 2, kind: 'KIND_CPU' }], parameters: { intra_op_thread_count: { string_value: '2' } } }))
      .toEqual({ max_batch_size: 16, max_batch_delay_us: 500, max_queue_size: 128, workers: 2, intra_op_threads: 2 });
    // A queue of 0 is Triton's "unbounded": not a queue size servebench can name.
    expect(knobsOfTritonConfig({ max_batch_size: 0, dynamic_batching: { default_queue_policy: { max_queue_size: 0 } }, instance_group: [{ count: 1 }] })).toEqual({ max_batch_size: 0, workers: 1 });
    expect(knobsOfTritonConfig({ name: 'x' })).toBeUndefined();
  });

  it('writes a trial into the current configuration, keeping the rest, and moves the batch dimension', () => {
    const batched = tritonConfigFor(unbatched, { ...DEFAULT_SERVING_CONFIG, max_batch_size: 16, max_batch_delay_us: 1000, workers: 2, preferred_batch_sizes: [8, 32] });
    expect(batched).toMatchObject({
      name: 'mlp', backend: 'python', max_batch_size: 16, version_policy: unbatched.version_policy,
      input: [{ name: 'input', dims: [784] }], output: [{ name: 'logits', dims: [10] }],
      dynamic_batching: { max_queue_delay_microseconds: 1000, preferred_batch_size: [8], default_queue_policy: { max_queue_size: 256 } },
      instance_group: [{ name: 'mlp_0', kind: 'KIND_CPU', count: 2 }],
      parameters: { intra_op_thread_count: { string_value: '1' }, other: { string_value: 'kept' } },
    });
    expect(knobsOfTritonConfig(batched)).toEqual({ max_batch_size: 16, max_batch_delay_us: 1000, max_queue_size: 256, workers: 2, intra_op_threads: 1 });
    // And back: batching off drops the batcher and gives the tensors their batch dimension again.
    const off = tritonConfigFor(batched, { ...DEFAULT_SERVING_CONFIG, intra_op_threads: 2 });
    expect(off).not.toHaveProperty('dynamic_batching');
    expect(off).toMatchObject({ max_batch_size: 0, input: [{ dims: [-1, 784] }], output: [{ dims: [-1, 10] }], parameters: { intra_op_thread_count: { string_value: '2' } } });
    // The same batching: dims untouched.
    expect(tritonConfigFor(unbatched, { ...DEFAULT_SERVING_CONFIG, workers: 3 })).toMatchObject({ input: [{ dims: [-1, 784] }], instance_group: [{ count: 3 }] });
  });
});
