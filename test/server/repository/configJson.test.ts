import { describe, expect, it } from 'vitest';
import { parseConfigJson } from '../../../src/server/repository/configJson.ts';

const where = 'models/m/1/config.json';
const parse = (value: unknown) => parseConfigJson(JSON.stringify(value), where);

describe('parseConfigJson', () => {
  it('accepts a full config and keeps only the fields present', () => {
    const config = {
      name: 'm',
      version: '1',
      platform: 'ensemble',
      steps: [{ model_file: 'a.onnx' }, { model_file: 'b.onnx' }],
      max_batch_size: 8,
      input: [{ name: 'x', datatype: 'UINT8', dims: [64, -1, 3] }],
      output: [{ name: 'y' }],
      allow_non_finite: false,
      preprocess: { encoding: 'uint8', scale: 0.5, mean: 0.1, std: 0.3 },
      postprocess: { softmax: true, top_k: 3, labels: ['a', 'b', 'c'] },
      serving: { workers: 2, max_batch_size: 4, max_batch_delay_us: 100, preferred_batch_sizes: [2, 4], max_queue_size: 16 },
    };
    expect(parse(config)).toEqual(config);
    expect(parse({ model_file: 'model.onnx' })).toEqual({ model_file: 'model.onnx' });
  });

  it.each<[string, unknown, RegExp]>([
    ['an unknown top-level field', { model: 'x' }, /: model: unknown field \(allowed here: name, version/],
    ['an unknown nested field', { input: [{ name: 'x', shape: [1] }] }, /: input\[0\]\.shape: unknown field/],
    ['a bad datatype', { output: [{ datatype: 'float32' }] }, /: output\[0\]\.datatype: expected one of BOOL, UINT8/],
    ['a zero dim', { input: [{ dims: [3, 0] }] }, /: input\[0\]\.dims\[1\]: expected an integer >= 1, got 0/],
    ['a negative max_batch_size', { max_batch_size: -1 }, /: max_batch_size: expected an integer >= 0, got -1/],
    ['a numeric version', { version: 1 }, /: version: expected a version string such as "1", got 1/],
    ['a model_file outside the folder', { model_file: '../2/model.onnx' }, /: model_file: expected a file name in the version folder/],
    ['a step file outside the folder', { steps: [{ model_file: '/etc/passwd' }] }, /: steps\[0\]\.model_file: expected a file name/],
    ['a bad encoding', { preprocess: { encoding: 'int8' } }, /: preprocess\.encoding: expected 'uint8' or 'float32', got "int8"/],
    ['a zero std', { preprocess: { encoding: 'uint8', std: 0 } }, /: preprocess\.std: expected a positive number, got 0/],
    ['a non-string label', { postprocess: { labels: ['a', 2] } }, /: postprocess\.labels\[1\]: expected a non-empty string, got 2/],
    ['an array at the root', [], /: \(root\): expected an object/],
  ])('refuses %s with its JSON path', (_, value, message) => {
    expect(() => parse(value)).toThrow(expect.objectContaining({ code: 'SB_ERR_CONFIG', message: expect.stringMatching(message) }));
    expect(() => parse(value)).toThrow(where);
  });

  it('names the file when it is not JSON', () => {
    expect(() => parseConfigJson('{"name": ', where)).toThrow(/^models\/m\/1\/config\.json: not valid JSON/);
  });
});
