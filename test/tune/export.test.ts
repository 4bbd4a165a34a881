import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { resolveConfig, servingSettingsFor } from '../../src/server/config/resolve.ts';
import { toServebenchYaml, toTorchServeProperties, toTritonConfig } from '../../src/serving/export.ts';
import type { ServingConfig } from '../../src/serving/knobs.ts';

const GOLDEN = join(import.meta.dirname, 'golden');

/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it (then review the diff). */
function golden(name: string, text: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

const BATCHED: ServingConfig = { workers: 2, max_batch_size: 32, max_batch_delay_us: 500, intra_op_threads: 1, max_queue_size: 512, preferred_batch_sizes: [16, 32] };
const UNBATCHED: ServingConfig = { workers: 2, max_batch_size: 0, max_batch_delay_us: 0, intra_op_threads: 2, max_queue_size: 256 };
const notes = ['capacity 11055 rps at p99 <= 20 ms (3 runs, 10800-11200 rps)'];

describe('export of a chosen configuration', () => {
  it('writes a servebench config the server itself accepts, per model and server-wide', () => {
    const perModel = toServebenchYaml(BATCHED, { model: 'mlp', notes });
    golden('mlp.servebench.yaml', perModel);
    const resolved = resolveConfig({ file: { path: 'mlp.servebench.yaml', data: parseYaml(perModel) } });
    expect(servingSettingsFor('mlp', 64, undefined, resolved)).toMatchObject({
      workers: 2, max_batch_size: 32, max_batch_delay_us: 500, preferred_batch_sizes: [16, 32], max_queue_size: 512, intra_op_threads: 1,
    });
    const serverWide = toServebenchYaml(UNBATCHED);
    golden('cnn.servebench.yaml', serverWide);
    const wide = resolveConfig({ file: { path: 'cnn.servebench.yaml', data: parseYaml(serverWide) } });
    expect(servingSettingsFor('cnn', 8, undefined, wide)).toMatchObject({ workers: 2, max_batch_size: 0, intra_op_threads: 2, max_queue_size: 256 });
  });

  it('writes TorchServe config.properties whose models JSON parses, with the delay in whole ms', () => {
    const text = toTorchServeProperties(BATCHED, { model: 'mlp', notes });
    golden('mlp.config.properties', text);
    const value = text.slice(text.indexOf('models=') + 'models='.length).replaceAll('\\\n', '\n');
    expect(JSON.parse(value)).toEqual({
      mlp: { '1.0': { defaultVersion: true, marName: 'mlp.mar', minWorkers: 2, maxWorkers: 2, batchSize: 32, maxBatchDelay: 1, responseTimeout: 120 } },
    });
    expect(text).toMatch(/^# maxBatchDelay: 500 us rounded to 1 ms/m);
    expect(text).toMatch(/^default_workers_per_model=2$/m);
    expect(text).toMatch(/^job_queue_size=512$/m);
    const unbatched = toTorchServeProperties(UNBATCHED, { model: 'cnn', version: '2', responseTimeoutS: 30 });
    expect(unbatched).toMatch(/"batchSize": 1,/);
    expect(unbatched).not.toMatch(/rounded/);
  });

  it('writes a Triton config.pbtxt fragment, without dynamic batching when batching is off', () => {
    golden('mlp.config.pbtxt', toTritonConfig(BATCHED, { model: 'mlp', notes }));
    golden('cnn.config.pbtxt', toTritonConfig(UNBATCHED, { kind: 'KIND_GPU' }));
  });

  it('refuses a configuration it cannot express', () => {
    expect(() => toTritonConfig({ ...BATCHED, workers: 0 })).toThrow(/workers is 0, expected an integer >= 1/);
    expect(() => toServebenchYaml(BATCHED, { model: '../etc' })).toThrow(/model name/);
  });
});
