import type { Datatype } from '../codec/tensor.ts';

/** One input or output of a model. `dims` excludes the batch dimension when the model batches; -1 is dynamic. */
export interface TensorSpec {
  name: string;
  datatype: Datatype;
  dims: number[];
}

/** How the TorchServe-style endpoint turns a JSON array, base64 string or raw bytes into the model's one input. */
export interface PreprocessSpec {
  /** Element type the client's raw bytes / base64 / JSON numbers are read as. */
  encoding: 'uint8' | 'float32';
  /** Applied after decoding, elementwise: (x * scale - mean) / std. Omitted = identity. */
  scale?: number;
  mean?: number;
  std?: number;
}

/** How the TorchServe-style endpoint shapes its answer from the model's first output. */
export interface PostprocessSpec {
  softmax?: boolean;
  /** Answer the k best classes as {label, index, probability}; omitted = the raw output row. */
  top_k?: number;
  labels?: string[];
}

/** One step of an ensemble: an ONNX file in the same version folder, its outputs fed to the next step's inputs in order. */
export interface EnsembleStep {
  model_file: string;
}

/** Serving knobs with their model-level defaults; the server config may override each. */
export interface ModelServingDefaults {
  workers?: number;
  max_batch_size?: number;
  max_batch_delay_us?: number;
  preferred_batch_sizes?: number[];
  max_queue_size?: number;
}

/** `config.json` of one model version (Triton's config.pbtxt, in JSON). */
export interface ModelConfig {
  name: string;
  version: string;
  platform: 'onnxruntime' | 'ensemble';
  /** ONNX file for platform onnxruntime. */
  model_file?: string;
  /** Steps for platform ensemble, run in order inside one worker. */
  steps?: EnsembleStep[];
  /** Largest batch the model accepts; 0 means it does not batch (Triton's max_batch_size: 0). */
  max_batch_size: number;
  input: TensorSpec[];
  output: TensorSpec[];
  /** NaN/Infinity in float inputs are refused unless this is true. */
  allow_non_finite?: boolean;
  preprocess?: PreprocessSpec;
  postprocess?: PostprocessSpec;
  serving?: ModelServingDefaults;
}

export const MANIFEST_FILE = 'MANIFEST.json';
export const CONFIG_FILE = 'config.json';

/** `MANIFEST.json`: binds a model version to the exact bytes of every file beside it. */
export interface Manifest {
  model: string;
  version: string;
  created: string;
  files: Record<string, { sha256: string; bytes: number }>;
}
