// Model configs for the codec tests: `mlp` is the reference model of the malformed corpus.
import type { ModelConfig } from '../../../src/server/repository/modelConfig.ts';

export const mlp: ModelConfig = {
  name: 'mlp',
  version: '1',
  platform: 'onnxruntime',
  model_file: 'model.onnx',
  max_batch_size: 64,
  input: [{ name: 'input', datatype: 'FP32', dims: [784] }],
  output: [{ name: 'logits', datatype: 'FP32', dims: [10] }],
};

/** mlp as models/mlp/1/config.json ships it: TorchServe bodies are uint8 pixels, normalised; answers top-3. */
export const mlpAsShipped: ModelConfig = {
  ...mlp,
  preprocess: { encoding: 'uint8', scale: 1 / 255, mean: 0.1307, std: 0.3081 },
  postprocess: { softmax: true, top_k: 3, labels: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] },
};

/** Several inputs of other datatypes, no batching, a dynamic dim. */
export const mixed: ModelConfig = {
  name: 'mixed',
  version: '2',
  platform: 'onnxruntime',
  max_batch_size: 0,
  input: [
    { name: 'ids', datatype: 'INT64', dims: [2, -1] },
    { name: 'mask', datatype: 'BOOL', dims: [2, -1] },
    { name: 'pixels', datatype: 'UINT8', dims: [3] },
  ],
  output: [
    { name: 'scores', datatype: 'FP32', dims: [2] },
    { name: 'tokens', datatype: 'INT64', dims: [2] },
  ],
};

/** Two batched inputs, one FP16, allowing non-finite values. */
export const pair: ModelConfig = {
  name: 'pair',
  version: '1',
  platform: 'onnxruntime',
  max_batch_size: 8,
  allow_non_finite: true,
  input: [
    { name: 'a', datatype: 'FP32', dims: [2] },
    { name: 'b', datatype: 'FP16', dims: [2] },
  ],
  output: [{ name: 'sum', datatype: 'FP32', dims: [2] }],
};

/** An image classifier fed raw pixels: uint8 bytes normalised into FP32, answers top-3 labels. */
export const classifier: ModelConfig = {
  name: 'classifier',
  version: '1',
  platform: 'onnxruntime',
  max_batch_size: 4,
  input: [{ name: 'image', datatype: 'FP32', dims: [2, 2] }],
  output: [{ name: 'logits', datatype: 'FP32', dims: [4] }],
  preprocess: { encoding: 'uint8', scale: 1 / 255, mean: 0.5, std: 0.25 },
  postprocess: { softmax: true, top_k: 3, labels: ['cat', 'dog', 'bird', 'fish'] },
};

/** A pipeline whose graph preprocesses itself: the UINT8 input takes the bytes unchanged. */
export const pipeline: ModelConfig = {
  name: 'pipeline',
  version: '1',
  platform: 'ensemble',
  steps: [{ model_file: 'pre.onnx' }, { model_file: 'net.onnx' }],
  max_batch_size: 4,
  input: [{ name: 'raw', datatype: 'UINT8', dims: [4] }],
  output: [{ name: 'out', datatype: 'FP32', dims: [2] }],
  preprocess: { encoding: 'uint8' },
};
