// Completes a model's config from what onnxruntime reports about its ONNX files (Triton's
// auto-complete-config): missing fields are filled in, contradicting ones are refused. Pure.
import { datatypeFromOrt, type Datatype } from '../codec/tensor.ts';
import { ServeError } from '../errors.ts';
import type { EnsembleStep, ModelConfig, TensorSpec } from './modelConfig.ts';

/** One input or output as onnxruntime-node reports it (`session.inputMetadata[i]`, tensors only). */
export interface OrtIoMeta {
  name: string;
  /** onnxruntime element type, e.g. 'float32'. */
  type: string;
  /** Number for a fixed dim, string (dim_param) or negative number for a dynamic one. */
  shape: readonly (number | string)[];
}

/** Inputs and outputs of one ONNX file. */
export interface ModelIoMeta {
  inputs: OrtIoMeta[];
  outputs: OrtIoMeta[];
}

/** config.json as written by a user: any field may be left out, including inside tensor specs. */
export type PartialModelConfig = Partial<Omit<ModelConfig, 'input' | 'output'>> & {
  input?: Partial<TensorSpec>[];
  output?: Partial<TensorSpec>[];
};

export interface AutoConfigInput {
  name: string;
  version: string;
  partial?: PartialModelConfig;
  /** One entry per ONNX file in `onnxFiles` order; a single entry is taken as the whole model's boundary. */
  metadata: ModelIoMeta | ModelIoMeta[];
  /** ONNX file names, in step order for an ensemble. */
  onnxFiles: string[];
}

export const DEFAULT_MAX_BATCH_SIZE = 64;

const configError = (message: string) => new ServeError('SB_ERR_CONFIG', message);
const isDynamic = (d: number | string) => typeof d === 'string' || d < 0;
const fmtDims = (dims: readonly (number | string)[]) => `[${dims.join(', ')}]`;

function datatypeOf(meta: OrtIoMeta, file: string, side: string): Datatype {
  const dt = datatypeFromOrt(meta.type);
  if (!dt) throw new ServeError('SB_ERR_MODEL_LOAD', `${file}: ${side} '${meta.name}' has type '${meta.type}', which servebench cannot serve`);
  return dt;
}

/** Which ONNX files run, and as what platform. */
function resolveFiles(partial: PartialModelConfig, onnxFiles: string[]): Pick<ModelConfig, 'platform' | 'model_file' | 'steps'> {
  const platform = partial.platform ?? (partial.steps || onnxFiles.length > 1 ? 'ensemble' : 'onnxruntime');
  if (platform === 'onnxruntime') {
    if (partial.steps) throw configError(`steps: only platform 'ensemble' has steps, config says platform 'onnxruntime'`);
    const modelFile = partial.model_file ?? onnxFiles[0];
    if (onnxFiles.length !== 1 || onnxFiles[0] !== modelFile) {
      throw configError(`model_file: config says '${modelFile}', the ONNX files given are ${onnxFiles.join(', ') || 'none'}`);
    }
    return { platform, model_file: modelFile };
  }
  if (partial.model_file) throw configError(`model_file: platform 'ensemble' names its files in steps, not model_file`);
  const steps: EnsembleStep[] = partial.steps ?? onnxFiles.map((f) => ({ model_file: f }));
  if (steps.length === 0) throw configError('steps: an ensemble needs at least one step');
  if (steps.length !== onnxFiles.length || steps.some((s, i) => s.model_file !== onnxFiles[i])) {
    throw configError(`steps: config lists ${steps.map((s) => s.model_file).join(', ')}, the ONNX files given are ${onnxFiles.join(', ')}`);
  }
  return { platform, steps };
}

/** Step i's outputs feed step i+1's inputs by position: their count, types and fixed dims must agree. */
function checkChaining(metas: ModelIoMeta[], files: string[]): void {
  for (let i = 0; i + 1 < metas.length; i++) {
    const outs = metas[i].outputs;
    const ins = metas[i + 1].inputs;
    const where = `steps[${i + 1}]`;
    if (outs.length !== ins.length) {
      throw configError(`${where}: ${files[i + 1]} takes ${ins.length} input(s), ${files[i]} gives ${outs.length} output(s)`);
    }
    outs.forEach((o, j) => {
      const inp = ins[j];
      if (o.type !== inp.type) {
        throw configError(`${where}: ${files[i]} output '${o.name}' is ${o.type}, ${files[i + 1]} input '${inp.name}' expects ${inp.type}`);
      }
      const clash =
        o.shape.length !== inp.shape.length ||
        o.shape.some((d, k) => !isDynamic(d) && !isDynamic(inp.shape[k]) && d !== inp.shape[k]);
      if (clash) {
        throw configError(`${where}: ${files[i]} output '${o.name}' has shape ${fmtDims(o.shape)}, ${files[i + 1]} input '${inp.name}' expects ${fmtDims(inp.shape)}`);
      }
    });
  }
}

/** Why the model cannot batch, or undefined when every tensor has a dynamic leading dim. */
function unbatchableReason(tensors: { side: 'input' | 'output'; meta: OrtIoMeta; file: string }[], named: boolean): string | undefined {
  for (const { side, meta, file } of tensors) {
    const where = named ? ` of ${file}` : '';
    if (meta.shape.length === 0) return `${side} '${meta.name}'${where} has no dimensions`;
    if (!isDynamic(meta.shape[0])) return `${side} '${meta.name}'${where} has static leading dim ${meta.shape[0]}`;
  }
  return undefined;
}

/** Merges the config's tensor specs with the model's, refusing any contradiction. */
function completeSpecs(
  side: 'input' | 'output',
  given: Partial<TensorSpec>[] | undefined,
  metas: OrtIoMeta[],
  file: string,
  batched: boolean,
): TensorSpec[] {
  const fromModel = metas.map((m) => ({
    name: m.name,
    datatype: datatypeOf(m, file, side),
    dims: (batched ? m.shape.slice(1) : m.shape).map((d) => (isDynamic(d) ? -1 : (d as number))),
  }));
  if (!given) return fromModel;
  const names = fromModel.map((s) => `'${s.name}'`).join(', ');
  if (given.length !== fromModel.length) {
    throw configError(`${side}: config lists ${given.length}, ${file} has ${fromModel.length} (${names})`);
  }
  const seen = new Set<string>();
  return given.map((spec, i) => {
    const at = `${side}[${i}]`;
    const name = spec.name ?? fromModel[i].name;
    const model = fromModel.find((s) => s.name === name);
    if (!model) throw configError(`${at}.name: config says '${name}', ${file} has ${names}`);
    if (seen.has(name)) throw configError(`${at}.name: '${name}' is listed twice`);
    seen.add(name);
    if (spec.datatype !== undefined && spec.datatype !== model.datatype) {
      throw configError(`${at}.datatype: config says ${spec.datatype}, ${file} has ${model.datatype}`);
    }
    let dims = model.dims;
    if (spec.dims !== undefined) {
      const note = batched ? ' (batch dim excluded)' : '';
      if (spec.dims.length !== model.dims.length) {
        throw configError(`${at}.dims: config says ${fmtDims(spec.dims)}, ${file} has ${fmtDims(model.dims)}${note}`);
      }
      spec.dims.forEach((d, k) => {
        // A config may narrow a dynamic dim to a fixed size, never widen or change a fixed one.
        if (model.dims[k] !== -1 && d !== model.dims[k]) {
          throw configError(`${at}.dims[${k}]: config says ${d}, ${file} has ${model.dims[k]}${note}`);
        }
      });
      dims = [...spec.dims];
    }
    return { name, datatype: model.datatype, dims };
  });
}

function checkPostprocess(config: ModelConfig): void {
  const post = config.postprocess;
  const first = config.output[0];
  if (!post || !first) return;
  const classes = first.dims[first.dims.length - 1];
  if (classes === undefined || classes < 0) return; // unknown until run time
  if (post.labels && post.labels.length !== classes) {
    throw configError(`postprocess.labels: ${post.labels.length} labels, output '${first.name}' has ${classes} classes`);
  }
  if (post.top_k !== undefined && post.top_k > classes) {
    throw configError(`postprocess.top_k: ${post.top_k} is more than the ${classes} classes of output '${first.name}'`);
  }
}

/** Fills a model version's config from its ONNX metadata; throws SB_ERR_CONFIG naming the contradicting field. */
export function completeModelConfig(input: AutoConfigInput): { config: ModelConfig; notes: string[] } {
  const { name, version, partial = {}, onnxFiles } = input;
  const notes: string[] = [];
  if (partial.name !== undefined && partial.name !== name) throw configError(`name: config says '${partial.name}', the model folder is '${name}'`);
  if (partial.version !== undefined && partial.version !== version) {
    throw configError(`version: config says '${partial.version}', the version folder is '${version}'`);
  }
  const files = resolveFiles(partial, onnxFiles);
  const metas = Array.isArray(input.metadata) ? input.metadata : [input.metadata];
  if (metas.length !== 1 && metas.length !== onnxFiles.length) {
    throw new Error(`completeModelConfig: ${metas.length} metadata entries for ${onnxFiles.length} ONNX files`);
  }
  const inFile = onnxFiles[0];
  const outFile = onnxFiles[onnxFiles.length - 1];
  // Per-step metadata: every tensor of every step must batch. A single entry: the boundary only.
  const perStep = metas.length === onnxFiles.length;
  if (perStep) checkChaining(metas, onnxFiles);
  const tensors = perStep
    ? metas.flatMap((m, i) => [
        ...m.inputs.map((meta) => ({ side: 'input' as const, meta, file: onnxFiles[i] })),
        ...m.outputs.map((meta) => ({ side: 'output' as const, meta, file: onnxFiles[i] })),
      ])
    : [
        ...metas[0].inputs.map((meta) => ({ side: 'input' as const, meta, file: inFile })),
        ...metas[0].outputs.map((meta) => ({ side: 'output' as const, meta, file: outFile })),
      ];
  const reason = unbatchableReason(tensors, onnxFiles.length > 1);
  let maxBatchSize: number;
  if (partial.max_batch_size === undefined) {
    maxBatchSize = reason ? 0 : DEFAULT_MAX_BATCH_SIZE;
    if (reason) notes.push(`${reason}: serving unbatched (max_batch_size 0)`);
  } else {
    maxBatchSize = partial.max_batch_size;
    if (maxBatchSize > 0 && reason) throw configError(`max_batch_size: config says ${maxBatchSize}, but ${reason}; set it to 0`);
  }
  const batched = maxBatchSize > 0;

  const inputs = completeSpecs('input', partial.input, metas[0].inputs, inFile, batched);
  const outputs = completeSpecs('output', partial.output, metas[metas.length - 1].outputs, outFile, batched);
  if (!partial.input) notes.push(`input taken from ${inFile}: ${inputs.map((s) => `${s.name} ${s.datatype} ${fmtDims(s.dims)}`).join(', ')}`);
  if (!partial.output) notes.push(`output taken from ${outFile}: ${outputs.map((s) => `${s.name} ${s.datatype} ${fmtDims(s.dims)}`).join(', ')}`);

  if (partial.preprocess && inputs.length !== 1) {
    throw configError(`preprocess: applies to a model with one input, this one has ${inputs.length}`);
  }
  const serving = partial.serving;
  if (serving?.max_batch_size !== undefined && serving.max_batch_size > maxBatchSize) {
    notes.push(`serving.max_batch_size ${serving.max_batch_size} is capped at the model's max_batch_size ${maxBatchSize}`);
  }

  const config: ModelConfig = {
    name,
    version,
    ...files,
    max_batch_size: maxBatchSize,
    input: inputs,
    output: outputs,
    ...(partial.allow_non_finite !== undefined && { allow_non_finite: partial.allow_non_finite }),
    ...(partial.preprocess && { preprocess: partial.preprocess }),
    ...(partial.postprocess && { postprocess: partial.postprocess }),
    ...(serving && { serving }),
  };
  checkPostprocess(config);
  return { config, notes };
}
