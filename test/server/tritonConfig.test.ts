// GET /v2/models/{m}/config answers servebench's fields unchanged plus Triton's model-configuration
// fields, which Triton's clients (perf_analyzer, tritonclient) read.
import { describe, expect, it } from 'vitest';
import { modelConfigView, tritonDataType } from '../../src/server/http/tritonConfig.ts';
import type { ServingSettings } from '../../src/server/inference.ts';
import type { LoadedModel } from '../../src/server/models.ts';
import type { ModelConfig } from '../../src/server/repository/modelConfig.ts';
import { mixed, mlpAsShipped, pipeline } from './codec/models.ts';

function settings(overrides: Partial<ServingSettings> = {}): ServingSettings {
  return {
    workers: 1,
    intra_op_threads: 1,
    execution_provider: 'cpu',
    max_batch_size: 0,
    max_batch_delay_us: 0,
    preferred_batch_sizes: [],
    max_queue_size: 256,
    request_timeout_ms: 30_000,
    ...overrides,
  };
}

function loaded(config: ModelConfig, overrides: Partial<ServingSettings> = {}, bound = true): LoadedModel {
  return { name: config.name, version: config.version, config, settings: settings(overrides), bound, scheduler: undefined as never };
}

describe('model config view', () => {
  it("keeps every servebench field and value (the harness's effective_serving included)", () => {
    const model = loaded(mlpAsShipped, { workers: 2, max_batch_size: 8, max_batch_delay_us: 500 });
    const view = modelConfigView(model) as Record<string, unknown>;
    for (const [key, value] of Object.entries(mlpAsShipped)) {
      if (key === 'input' || key === 'output') continue;
      expect(view[key], key).toEqual(value);
    }
    expect(view.platform).toBe('onnxruntime');
    expect(view.effective_serving).toEqual(model.settings);
    expect(view.manifest_bound).toBe(true);
    // The tensors keep name, datatype and dims; Triton's names are added beside them.
    expect(view.input).toEqual([{ name: 'input', datatype: 'FP32', dims: [784], data_type: 'TYPE_FP32', is_shape_tensor: false, optional: false }]);
    expect(view.output).toEqual([{ name: 'logits', datatype: 'FP32', dims: [10], data_type: 'TYPE_FP32', is_shape_tensor: false }]);
    expect(modelConfigView(loaded(mlpAsShipped, {}, false)).manifest_bound).toBe(false);
  });

  it("gives Triton's data_type for every datatype and tensor", () => {
    const view = modelConfigView(loaded(mixed));
    expect(view.input.map((t) => t.data_type)).toEqual(['TYPE_INT64', 'TYPE_BOOL', 'TYPE_UINT8']);
    expect(view.input.map((t) => t.dims)).toEqual([[2, -1], [2, -1], [3]]);
    expect(view.output.map((t) => t.data_type)).toEqual(['TYPE_FP32', 'TYPE_INT64']);
    expect(tritonDataType('FP16')).toBe('TYPE_FP16');
    expect(tritonDataType('UINT64')).toBe('TYPE_UINT64');
  });

  it('describes dynamic batching only when the effective max_batch_size turns it on', () => {
    expect(modelConfigView(loaded(mlpAsShipped)).dynamic_batching).toBeUndefined();
    const on = modelConfigView(loaded(mlpAsShipped, { max_batch_size: 16, max_batch_delay_us: 750, preferred_batch_sizes: [4, 8], max_queue_size: 100 }));
    expect(on.dynamic_batching).toEqual({ preferred_batch_size: [4, 8], max_queue_delay_microseconds: 750, default_queue_policy: { max_queue_size: 100 } });
    // Triton's max_batch_size stays the model's (what a request may carry), as config.json says.
    expect(on.max_batch_size).toBe(64);
  });

  it('names backend, model file, version, transaction policy and one instance group per worker count', () => {
    const view = modelConfigView(loaded(mlpAsShipped, { workers: 3 }));
    expect(view).toMatchObject({
      backend: 'onnxruntime',
      default_model_filename: 'model.onnx',
      version_policy: { specific: { versions: [1] } },
      model_transaction_policy: { decoupled: false },
      instance_group: [{ name: 'mlp', kind: 'KIND_CPU', count: 3 }],
    });
    expect(view.ensemble_scheduling).toBeUndefined();
    expect(modelConfigView(loaded(mlpAsShipped, { execution_provider: 'cuda' })).instance_group[0].kind).toBe('KIND_GPU');
  });

  it('gives an ensemble an empty step list (its steps are files, not served models) and no backend', () => {
    const view = modelConfigView(loaded(pipeline));
    expect(view.platform).toBe('ensemble');
    expect(view.steps).toEqual(pipeline.steps);
    expect(view.ensemble_scheduling).toEqual({ step: [] });
    expect(view.backend).toBeUndefined();
    expect(view.default_model_filename).toBeUndefined();
  });
});
