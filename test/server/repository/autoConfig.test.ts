import { describe, expect, it } from 'vitest';
import { completeModelConfig, type ModelIoMeta, type PartialModelConfig } from '../../../src/server/repository/autoConfig.ts';

const dynamic: ModelIoMeta = {
  inputs: [{ name: 'x', type: 'float32', shape: ['batch', 3, 'h', 8] }],
  outputs: [{ name: 'y', type: 'float32', shape: ['batch', 10] }],
};
const staticBatch: ModelIoMeta = {
  inputs: [{ name: 'x', type: 'float32', shape: [1, 784] }],
  outputs: [{ name: 'y', type: 'float32', shape: [1, 10] }],
};

const complete = (metadata: ModelIoMeta | ModelIoMeta[], partial?: PartialModelConfig, onnxFiles = ['model.onnx']) =>
  completeModelConfig({ name: 'm', version: '1', partial, metadata, onnxFiles });

describe('completeModelConfig', () => {
  it('batches a model whose every tensor has a dynamic leading dim, dropping that dim from dims', () => {
    const { config, notes } = complete(dynamic);
    expect(config).toEqual({
      name: 'm',
      version: '1',
      platform: 'onnxruntime',
      model_file: 'model.onnx',
      max_batch_size: 64,
      input: [{ name: 'x', datatype: 'FP32', dims: [3, -1, 8] }],
      output: [{ name: 'y', datatype: 'FP32', dims: [10] }],
    });
    expect(notes.some((n) => /unbatched/.test(n))).toBe(false);
  });

  it('serves a static leading dim unbatched and says why, once', () => {
    const { config, notes } = complete(staticBatch);
    expect(config.max_batch_size).toBe(0);
    expect(config.input[0].dims).toEqual([1, 784]);
    expect(notes.filter((n) => /unbatched/.test(n))).toEqual(["input 'x' has static leading dim 1: serving unbatched (max_batch_size 0)"]);
  });

  it('treats a -1 leading dim as dynamic and a rank-0 tensor as unbatchable', () => {
    const minusOne: ModelIoMeta = { inputs: [{ name: 'x', type: 'int64', shape: [-1, 4] }], outputs: [{ name: 'y', type: 'int64', shape: [-1] }] };
    expect(complete(minusOne).config.max_batch_size).toBe(64);
    const scalarOut: ModelIoMeta = { inputs: dynamic.inputs, outputs: [{ name: 's', type: 'float32', shape: [] }] };
    const { config, notes } = complete(scalarOut);
    expect(config.max_batch_size).toBe(0);
    expect(notes[0]).toMatch(/output 's' has no dimensions/);
  });

  it.each<[string, PartialModelConfig, RegExp]>([
    ['a wrong datatype', { input: [{ name: 'x', datatype: 'FP16' }] }, /^input\[0\]\.datatype: config says FP16, model\.onnx has FP32$/],
    ['a wrong input name', { input: [{ name: 'image' }] }, /^input\[0\]\.name: config says 'image', model\.onnx has 'x'$/],
    ['a wrong rank', { output: [{ name: 'y', dims: [10, 1] }] }, /^output\[0\]\.dims: config says \[10, 1\], model\.onnx has \[10\] \(batch dim excluded\)$/],
    ['a wrong fixed dim', { input: [{ name: 'x', dims: [3, 64, 9] }] }, /^input\[0\]\.dims\[2\]: config says 9, model\.onnx has 8/],
    ['a missing tensor', { output: [] }, /^output: config lists 0, model\.onnx has 1 \('y'\)$/],
    ['another model name', { name: 'other' }, /^name: config says 'other', the model folder is 'm'$/],
    ['another version', { version: '2' }, /^version: config says '2', the version folder is '1'$/],
    ['labels that do not fit the classes', { postprocess: { labels: ['a', 'b'] } }, /^postprocess\.labels: 2 labels, output 'y' has 10 classes$/],
  ])('refuses a config with %s, naming the field', (_, partial, message) => {
    let err: unknown;
    try {
      complete(dynamic, partial);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'SB_ERR_CONFIG' });
    expect((err as Error).message).toMatch(message);
  });

  it('refuses batching that the model cannot do', () => {
    expect(() => complete(staticBatch, { max_batch_size: 8 })).toThrow(/^max_batch_size: config says 8, but input 'x' has static leading dim 1; set it to 0$/);
  });

  it('keeps what the config says where it agrees: narrowed dynamic dims, max_batch_size 0, serving knobs', () => {
    const partial: PartialModelConfig = {
      max_batch_size: 0,
      input: [{ name: 'x', dims: [-1, 3, 32, 8] }],
      preprocess: { encoding: 'uint8', scale: 1 / 255 },
      serving: { workers: 2, max_batch_size: 16 },
    };
    const { config, notes } = complete(dynamic, partial);
    expect(config.max_batch_size).toBe(0);
    expect(config.input).toEqual([{ name: 'x', datatype: 'FP32', dims: [-1, 3, 32, 8] }]);
    expect(config.output).toEqual([{ name: 'y', datatype: 'FP32', dims: [-1, 10] }]);
    expect(config.preprocess).toEqual({ encoding: 'uint8', scale: 1 / 255 });
    expect(notes).toContain("serving.max_batch_size 16 is capped at the model's max_batch_size 0");
  });

  it('refuses a datatype servebench cannot carry', () => {
    const strings: ModelIoMeta = { inputs: [{ name: 'text', type: 'string', shape: ['batch'] }], outputs: dynamic.outputs };
    expect(() => complete(strings)).toThrow(expect.objectContaining({ code: 'SB_ERR_MODEL_LOAD', message: expect.stringMatching(/input 'text' has type 'string'/) }));
  });

  describe('ensembles', () => {
    const pre: ModelIoMeta = {
      inputs: [{ name: 'image', type: 'uint8', shape: ['batch', 64, 64, 3] }],
      outputs: [{ name: 'pixels', type: 'float32', shape: ['batch', 3, 64, 64] }],
    };
    const cls: ModelIoMeta = {
      inputs: [{ name: 'pixels', type: 'float32', shape: ['batch', 3, 64, 64] }],
      outputs: [{ name: 'logits', type: 'float32', shape: ['batch', 10] }],
    };
    const files = ['pre.onnx', 'cls.onnx'];

    it('takes inputs from the first step and outputs from the last', () => {
      const { config } = complete([pre, cls], undefined, files);
      expect(config.platform).toBe('ensemble');
      expect(config.steps).toEqual([{ model_file: 'pre.onnx' }, { model_file: 'cls.onnx' }]);
      expect(config.model_file).toBeUndefined();
      expect(config.max_batch_size).toBe(64);
      expect(config.input).toEqual([{ name: 'image', datatype: 'UINT8', dims: [64, 64, 3] }]);
      expect(config.output).toEqual([{ name: 'logits', datatype: 'FP32', dims: [10] }]);
    });

    it('refuses steps whose outputs do not fit the next step', () => {
      const fp64: ModelIoMeta = { ...cls, inputs: [{ name: 'pixels', type: 'float64', shape: ['batch', 3, 64, 64] }] };
      expect(() => complete([pre, fp64], undefined, files)).toThrow(/^steps\[1\]: pre\.onnx output 'pixels' is float32, cls\.onnx input 'pixels' expects float64$/);
      const small: ModelIoMeta = { ...cls, inputs: [{ name: 'pixels', type: 'float32', shape: ['batch', 3, 32, 32] }] };
      expect(() => complete([pre, small], undefined, files)).toThrow(/steps\[1\]: pre\.onnx output 'pixels' has shape \[batch, 3, 64, 64\]/);
    });

    it('serves unbatched when any step has a static leading dim, naming the step', () => {
      const fixed: ModelIoMeta = { inputs: [{ ...cls.inputs[0], shape: [1, 3, 64, 64] }], outputs: [{ ...cls.outputs[0], shape: [1, 10] }] };
      const preFixed: ModelIoMeta = { inputs: pre.inputs, outputs: [{ ...pre.outputs[0], shape: [1, 3, 64, 64] }] };
      const { config, notes } = complete([preFixed, fixed], undefined, files);
      expect(config.max_batch_size).toBe(0);
      expect(notes[0]).toBe("output 'pixels' of pre.onnx has static leading dim 1: serving unbatched (max_batch_size 0)");
    });

    it('refuses steps that are not the ONNX files it was given', () => {
      expect(() => complete([pre, cls], { steps: [{ model_file: 'cls.onnx' }, { model_file: 'pre.onnx' }] }, files)).toThrow(/^steps: config lists cls\.onnx, pre\.onnx/);
    });
  });
});
