// The reference models servebench ships in models/: what each network is, and its config.json.
// Pure: returns bytes and configs; scripts/models/generate.ts writes them.
import type { ModelConfig, ModelServingDefaults } from '../../src/server/repository/modelConfig.ts';
import { attr, Elem, GraphBuilder, valueInfo, type Dim } from './onnx-builder.ts';

/** One model version as files plus its config.json. */
export interface ModelDefinition {
  name: string;
  version: string;
  /** ONNX files by file name, written beside config.json. */
  files: Record<string, Uint8Array>;
  config: ModelConfig;
}

export const IMAGE_SIZE = 64;
export const NUM_CLASSES = 10;
/** ImageNet channel statistics, the usual choice for an RGB classifier's input normalisation. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

const DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const CLASS_LABELS = Array.from({ length: NUM_CLASSES }, (_, i) => `class_${i}`);

// Batching stays off at the server by default so a first benchmark measures the model alone;
// the model itself accepts batches up to max_batch_size, which the tuner can then turn on.
const SERVING_DEFAULTS: ModelServingDefaults = { workers: 1, max_batch_size: 0, max_batch_delay_us: 0, max_queue_size: 256 };

export interface MlpOptions {
  seed?: number;
  /** Layer widths from input features to classes, e.g. [784, 256, 128, 10]. */
  layers?: number[];
  /** Leading dimension: 'batch' (dynamic) or a fixed size such as 1. */
  batchDim?: Dim;
  inputName?: string;
  outputName?: string;
}

/** A ReLU multilayer perceptron: Gemm+Relu per hidden layer, a final Gemm to logits. */
export function buildMlp(opts: MlpOptions = {}): Uint8Array {
  const { seed = 1, layers = [784, 256, 128, 10], batchDim = 'batch', inputName = 'input', outputName = 'logits' } = opts;
  const g = new GraphBuilder(seed);
  let x = inputName;
  for (let i = 0; i + 1 < layers.length; i++) {
    const last = i + 2 === layers.length;
    x = g.dense(x, layers[i], layers[i + 1], last ? { init: 'xavier', output: outputName } : {});
    if (!last) x = g.relu(x);
  }
  return g.build({
    name: 'mlp',
    docString: `servebench reference MLP ${layers.join('->')}`,
    inputs: [valueInfo(inputName, Elem.FLOAT, [batchDim, layers[0]])],
    outputs: [valueInfo(outputName, Elem.FLOAT, [batchDim, layers[layers.length - 1]])],
  });
}

export interface ConvNetOptions {
  seed?: number;
  /** Output channels of the 3x3 convs of each stage (each conv + Relu); stages are joined by MaxPool 2x2. */
  stages: number[][];
  batchDim?: Dim;
  inputName?: string;
  outputName?: string;
  graphName: string;
}

/** VGG-style stages of Conv(3x3)+Relu with 2x2 pooling between them, then GlobalAveragePool, Flatten, Gemm. */
export function buildConvNet(opts: ConvNetOptions): Uint8Array {
  const { seed = 2, stages, batchDim = 'batch', inputName = 'input', outputName = 'logits', graphName } = opts;
  const g = new GraphBuilder(seed);
  let x = inputName;
  let inC = 3;
  stages.forEach((widths, s) => {
    if (s > 0) x = g.maxPool2(x);
    for (const outC of widths) {
      x = g.relu(g.conv(x, inC, outC, 3));
      inC = outC;
    }
  });
  x = g.flatten(g.globalAveragePool(x));
  g.dense(x, inC, NUM_CLASSES, { init: 'xavier', output: outputName });
  return g.build({
    name: graphName,
    docString: `servebench reference conv net, stages ${stages.map((w) => w.join('-')).join(' / ')}`,
    inputs: [valueInfo(inputName, Elem.FLOAT, [batchDim, 3, IMAGE_SIZE, IMAGE_SIZE])],
    outputs: [valueInfo(outputName, Elem.FLOAT, [batchDim, NUM_CLASSES])],
  });
}

/** uint8 HWC image -> float CHW, scaled to [0,1] and normalised per channel: the pipeline's first step. */
export function buildImagePreprocess(opts: { batchDim?: Dim; inputName?: string; outputName?: string } = {}): Uint8Array {
  const { batchDim = 'batch', inputName = 'image', outputName = 'pixels' } = opts;
  const g = new GraphBuilder(0);
  const scale = g.constant('scale', [], Float32Array.of(1 / 255));
  // Shape [3] broadcasts over the trailing channel axis of HWC, before the transpose.
  const mean = g.constant('mean', [3], Float32Array.from(IMAGENET_MEAN));
  const std = g.constant('std', [3], Float32Array.from(IMAGENET_STD));
  let x = g.op('Cast', [inputName], { to: attr.int(Elem.FLOAT) });
  x = g.op('Mul', [x, scale]);
  x = g.op('Sub', [x, mean]);
  x = g.op('Div', [x, std]);
  g.op('Transpose', [x], { perm: attr.ints([0, 3, 1, 2]) }, outputName);
  return g.build({
    name: 'preprocess',
    docString: 'uint8 HWC image -> normalised float CHW (ImageNet mean/std)',
    inputs: [valueInfo(inputName, Elem.UINT8, [batchDim, IMAGE_SIZE, IMAGE_SIZE, 3])],
    outputs: [valueInfo(outputName, Elem.FLOAT, [batchDim, 3, IMAGE_SIZE, IMAGE_SIZE])],
  });
}

function classifierPostprocess(labels: string[]): ModelConfig['postprocess'] {
  return { softmax: true, top_k: 3, labels };
}

function mlpDefinition(): ModelDefinition {
  return {
    name: 'mlp',
    version: '1',
    files: { 'model.onnx': buildMlp() },
    config: {
      name: 'mlp',
      version: '1',
      platform: 'onnxruntime',
      model_file: 'model.onnx',
      max_batch_size: 64,
      input: [{ name: 'input', datatype: 'FP32', dims: [784] }],
      output: [{ name: 'logits', datatype: 'FP32', dims: [NUM_CLASSES] }],
      // MNIST statistics: a 28x28 grey digit as 784 bytes.
      preprocess: { encoding: 'uint8', scale: 1 / 255, mean: 0.1307, std: 0.3081 },
      postprocess: classifierPostprocess(DIGITS),
      serving: { ...SERVING_DEFAULTS },
    },
  };
}

/** Widths chosen so one 64x64 sample costs a few milliseconds on one CPU thread (compute-bound). */
export const CNN_STAGES = [
  [32, 32],
  [64, 64],
  [128, 128],
];

function cnnDefinition(): ModelDefinition {
  return {
    name: 'cnn',
    version: '1',
    files: { 'model.onnx': buildConvNet({ graphName: 'cnn', stages: CNN_STAGES, seed: 2 }) },
    config: {
      name: 'cnn',
      version: '1',
      platform: 'onnxruntime',
      model_file: 'model.onnx',
      max_batch_size: 64,
      input: [{ name: 'input', datatype: 'FP32', dims: [3, IMAGE_SIZE, IMAGE_SIZE] }],
      output: [{ name: 'logits', datatype: 'FP32', dims: [NUM_CLASSES] }],
      preprocess: { encoding: 'uint8', scale: 1 / 255 },
      postprocess: classifierPostprocess(CLASS_LABELS),
      serving: { ...SERVING_DEFAULTS },
    },
  };
}

function pipelineDefinition(): ModelDefinition {
  return {
    name: 'pipeline',
    version: '1',
    files: {
      'preprocess.onnx': buildImagePreprocess({ outputName: 'pixels' }),
      'classifier.onnx': buildConvNet({ graphName: 'classifier', stages: [[8], [16]], seed: 3, inputName: 'pixels' }),
    },
    config: {
      name: 'pipeline',
      version: '1',
      platform: 'ensemble',
      steps: [{ model_file: 'preprocess.onnx' }, { model_file: 'classifier.onnx' }],
      max_batch_size: 64,
      input: [{ name: 'image', datatype: 'UINT8', dims: [IMAGE_SIZE, IMAGE_SIZE, 3] }],
      output: [{ name: 'logits', datatype: 'FP32', dims: [NUM_CLASSES] }],
      // Normalisation lives inside preprocess.onnx, so the endpoint only decodes bytes.
      preprocess: { encoding: 'uint8' },
      postprocess: classifierPostprocess(CLASS_LABELS),
      serving: { ...SERVING_DEFAULTS },
    },
  };
}

/** Every model `npm run models` writes, in a fixed order. */
export function modelDefinitions(): ModelDefinition[] {
  return [mlpDefinition(), cnnDefinition(), pipelineDefinition()];
}
