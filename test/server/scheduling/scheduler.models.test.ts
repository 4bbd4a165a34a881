// The scheduler against the repository's generated models, compared with direct onnxruntime runs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { Tensor } from '../../../src/server/codec/tensor.ts';
import type { InferRequest } from '../../../src/server/inference.ts';
import type { ModelConfig } from '../../../src/server/repository/modelConfig.ts';
import { ModelScheduler } from '../../../src/server/scheduler.ts';
import { expectClose, runDirect, seededBytes, seededFloats } from '../../helpers/tensors.ts';
import { onnxFile } from '../../helpers/onnxFile.ts';
import { MODELS_DIR, settings } from './fixtures.ts';

const present = ['mlp', 'pipeline'].every((m) => existsSync(join(MODELS_DIR, m, '1', 'config.json')));

function modelFiles(name: string): { config: ModelConfig; files: string[] } {
  const dir = join(MODELS_DIR, name, '1');
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as ModelConfig;
  const names = config.platform === 'ensemble' ? config.steps!.map((s) => s.model_file) : [config.model_file!];
  return { config, files: names.map((f) => join(dir, f)) };
}

const schedulers: ModelScheduler[] = [];
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
});

describe.skipIf(!present)('ModelScheduler with the generated models', () => {
  it('answers mlp requests batched together exactly as a direct onnxruntime run, each with its own rows', async () => {
    const { config, files } = modelFiles('mlp');
    const batches: number[] = [];
    const scheduler = new ModelScheduler({
      modelName: 'mlp',
      config,
      files: files.map(onnxFile),
      settings: settings({ max_batch_size: 16, max_batch_delay_us: 2000 }),
      observer: { onBatch: (b) => batches.push(b.size) },
    });
    schedulers.push(scheduler);
    await scheduler.start();

    // 20 requests of one row and 2 of three rows, all at once.
    const rows = [...Array.from({ length: 20 }, () => 1), 3, 3];
    const inputs = rows.map((n, i) => seededFloats(n * 784, 1000 + i));
    const requests: InferRequest[] = inputs.map((data, i) => ({
      id: `r${i}`,
      batchSize: rows[i],
      // Sent as a copy: the scheduler transfers (detaches) a lone request's buffer.
      inputs: [{ name: 'input', datatype: 'FP32', shape: [rows[i], 784], data: data.slice() }],
    }));
    const results = await Promise.all(requests.map((r) => scheduler.infer(r)));

    const session = await ort.InferenceSession.create(files[0], { intraOpNumThreads: 1 });
    try {
      for (let i = 0; i < rows.length; i++) {
        const direct = await session.run({ input: new ort.Tensor('float32', inputs[i], [rows[i], 784]) });
        expect(results[i].outputs[0]).toMatchObject({ name: 'logits', datatype: 'FP32', shape: [rows[i], 10] });
        expectClose(results[i].outputs[0].data as Float32Array, direct.logits.data as Float32Array, 1e-5);
      }
    } finally {
      await session.release();
    }
    expect(batches.reduce((a, b) => a + b, 0)).toBe(26);
    expect(Math.max(...batches)).toBeGreaterThan(1);
    expect(batches.every((b) => b <= 16)).toBe(true);
    expect(results.every((r) => r.batchSize >= r.outputs[0].shape[0] && r.computeUs > 0)).toBe(true);
  });

  it('runs the pipeline ensemble to the same logits as its two ONNX files run by hand', async () => {
    const { config, files } = modelFiles('pipeline');
    const scheduler = new ModelScheduler({
      modelName: 'pipeline',
      config,
      files: files.map(onnxFile),
      settings: settings({ max_batch_size: 8, max_batch_delay_us: 5000 }),
    });
    schedulers.push(scheduler);
    await scheduler.start();

    const rows = [1, 2, 1];
    const images = rows.map((n, i) => seededBytes(n * 64 * 64 * 3, 77 + i));
    const results = await Promise.all(
      images.map((data, i) => {
        const image: Tensor = { name: 'image', datatype: 'UINT8', shape: [rows[i], 64, 64, 3], data: data.slice() };
        return scheduler.infer({ id: `img${i}`, batchSize: rows[i], inputs: [image] });
      }),
    );
    for (let i = 0; i < rows.length; i++) {
      const expected = await runDirect(files, new ort.Tensor('uint8', images[i], [rows[i], 64, 64, 3]));
      expect(results[i].outputs[0].shape).toEqual([rows[i], 10]);
      expectClose(results[i].outputs[0].data as Float32Array, expected, 1e-5);
    }
    // All three went out as one stacked batch of 4 rows.
    expect(results.map((r) => r.batchSize)).toEqual([4, 4, 4]);
  });
});
