// GET /v2/models/{m}/config: one answer for two readers. servebench's own fields come first and
// unchanged (config.json's fields, effective_serving, manifest_bound: the harness records and checks
// them); Triton's model-configuration names are added beside them, so Triton's clients
// (perf_analyzer, tritonclient's get_model_config, Model Analyzer) read what they expect. Where the
// two name the same thing differently (datatype "FP32" / data_type "TYPE_FP32") both are given; no
// servebench field changes value.
import type { Datatype } from '../codec/tensor.ts';
import type { LoadedModel } from '../models.ts';
import type { TensorSpec } from '../repository/modelConfig.ts';

const TRITON_DATA_TYPE: Record<Datatype, string> = {
  BOOL: 'TYPE_BOOL',
  UINT8: 'TYPE_UINT8',
  INT8: 'TYPE_INT8',
  UINT16: 'TYPE_UINT16',
  INT16: 'TYPE_INT16',
  UINT32: 'TYPE_UINT32',
  INT32: 'TYPE_INT32',
  INT64: 'TYPE_INT64',
  UINT64: 'TYPE_UINT64',
  FP16: 'TYPE_FP16',
  FP32: 'TYPE_FP32',
  FP64: 'TYPE_FP64',
};

/** Triton's `data_type` for a KServe datatype. */
export function tritonDataType(datatype: Datatype): string {
  return TRITON_DATA_TYPE[datatype];
}

function tensorConfig(spec: TensorSpec, isInput: boolean) {
  return {
    ...spec,
    data_type: tritonDataType(spec.datatype),
    is_shape_tensor: false,
    ...(isInput ? { optional: false } : {}),
  };
}

/** Triton's fields for what servebench actually does with this model version and its settings. */
function tritonFields(model: LoadedModel) {
  const { config, settings } = model;
  const ensemble = config.platform === 'ensemble';
  return {
    // Triton's platform names are not servebench's ('onnxruntime'); `backend` is Triton's other way to say it.
    ...(ensemble ? {} : { backend: 'onnxruntime', default_model_filename: config.model_file }),
    version_policy: { specific: { versions: [Number(model.version)] } },
    model_transaction_policy: { decoupled: false },
    // A servebench ensemble runs its steps (ONNX files of this version) inside one worker: there are no
    // composing models to name. The empty step list is still needed: Triton's clients read
    // ensemble_scheduling.step whenever platform is 'ensemble' (perf_analyzer crashes without it).
    ...(ensemble ? { ensemble_scheduling: { step: [] } } : {}),
    // Dynamic batching is on exactly when the effective max_batch_size is above 0.
    ...(settings.max_batch_size > 0
      ? {
          dynamic_batching: {
            preferred_batch_size: [...settings.preferred_batch_sizes],
            max_queue_delay_microseconds: settings.max_batch_delay_us,
            default_queue_policy: { max_queue_size: settings.max_queue_size },
          },
        }
      : {}),
    instance_group: [{ name: model.name, kind: settings.execution_provider === 'cuda' ? 'KIND_GPU' : 'KIND_CPU', count: settings.workers }],
  };
}

/** The /config answer: servebench's fields (kept as they were) plus Triton's. */
export function modelConfigView(model: LoadedModel) {
  return {
    ...model.config,
    input: model.config.input.map((s) => tensorConfig(s, true)),
    output: model.config.output.map((s) => tensorConfig(s, false)),
    effective_serving: model.settings,
    manifest_bound: model.bound,
    ...tritonFields(model),
  };
}
