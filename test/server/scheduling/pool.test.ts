import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPool, type PoolOptions } from '../../../src/server/workers/pool.ts';
import { onnxFile } from '../../helpers/onnxFile.ts';
import { buildTinyModels, outcome, type TinyModels } from './fixtures.ts';

let models: TinyModels;
const pools: WorkerPool[] = [];

beforeAll(() => {
  models = buildTinyModels();
});
afterAll(() => models.cleanup());
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.stop()));
});

function pool(overrides: Partial<PoolOptions> = {}): WorkerPool {
  const p = new WorkerPool({ modelName: 'relu', files: [onnxFile(models.relu)], workers: 1, intraOpThreads: 1, executionProvider: 'cpu', ...overrides });
  pools.push(p);
  return p;
}

const job = (batchId: number, values: number[], crash = false) => ({
  batchId,
  requestIds: [`r${batchId}`],
  inputs: [{ name: 'x', datatype: 'FP32' as const, shape: [1, 4], data: Float32Array.from(values) }],
  crash,
});

describe('WorkerPool', () => {
  it('runs a batch on an idle worker and moves the input buffer instead of copying it', async () => {
    const p = pool({ workers: 2 });
    await p.start();
    expect(p.liveWorkers()).toBe(2);
    const j = job(1, [1, -2, 3, -4]);
    const instance = p.acquireIdle()!;
    expect(p.idleWorkers()).toBe(1);
    const result = instance.run(j, [j.inputs[0].data.buffer as ArrayBuffer]);
    expect(j.inputs[0].data.byteLength).toBe(0); // detached: transferred, not cloned
    const out = await result;
    expect(out.outputs[0]).toMatchObject({ name: 'y', datatype: 'FP32', shape: [1, 4] });
    expect([...out.outputs[0].data]).toEqual([1, 0, 3, 0]);
    expect(out.computeUs).toBeGreaterThan(0);
    expect(p.idleWorkers()).toBe(2);
  });

  it('fails start with SB_ERR_MODEL_LOAD naming the file that did not load', async () => {
    const bad = join(models.dir, 'garbage.onnx');
    writeFileSync(bad, 'not an onnx model');
    const p = pool({ files: [onnxFile(models.relu), onnxFile(bad)], workers: 2 });
    const result = await outcome(p.start());
    expect(result).toMatchObject({ ok: false, code: 'SB_ERR_MODEL_LOAD' });
    expect(!result.ok && result.message).toContain(bad);
    expect(p.liveWorkers()).toBe(0);
  });

  it('explains that CUDA libraries are missing when the cuda provider cannot be created', async () => {
    const result = await outcome(pool({ executionProvider: 'cuda' }).start());
    expect(result).toMatchObject({ ok: false, code: 'SB_ERR_MODEL_LOAD' });
    expect(!result.ok && result.message).toMatch(/CUDA libraries are not installed.*ONNXRUNTIME_NODE_INSTALL=cuda12.*'cpu'/s);
  });

  it('fails only the crashed batch with SB_ERR_WORKER_FAILED, reports the exit and starts a replacement', async () => {
    const exits: { workerId: number; code: number | null }[] = [];
    let replaced!: () => void;
    const replacementReady = new Promise<void>((resolve) => (replaced = resolve));
    let idleCalls = 0;
    const p = pool({
      observer: { onWorkerExit: (e) => exits.push(e) },
      // After start, the first idle notice that comes with no batch answered is the replacement.
      onIdle: () => {
        if (++idleCalls > 1 && p.liveWorkers() === 1 && exits.length === 1) replaced();
      },
    });
    await p.start();
    const crashed = await outcome(p.acquireIdle()!.run(job(1, [1, 1, 1, 1], true), []));
    expect(crashed).toMatchObject({ ok: false, code: 'SB_ERR_WORKER_FAILED' });
    expect(!crashed.ok && crashed.message).toMatch(/code 70.*batch 1 \(requests r1\)/);
    expect(exits).toEqual([expect.objectContaining({ workerId: 0, code: 70 })]);
    await replacementReady;
    const instance = p.acquireIdle()!;
    expect(instance.id).toBe(1);
    const out = await instance.run(job(2, [-1, 2, -3, 4]), []);
    expect([...out.outputs[0].data]).toEqual([0, 2, 0, 4]);
  });

  it('reports an inference error with the request ids and keeps the worker', async () => {
    const p = pool();
    await p.start();
    const bad = { ...job(3, [1, 2, 3]), inputs: [{ name: 'x', datatype: 'FP32' as const, shape: [1, 3], data: Float32Array.from([1, 2, 3]) }] };
    const result = await outcome(p.acquireIdle()!.run(bad, []));
    expect(result).toMatchObject({ ok: false, code: 'SB_ERR_INFERENCE' });
    expect(!result.ok && result.message).toContain('requests r3');
    expect(p.liveWorkers()).toBe(1);
    expect(p.idleWorkers()).toBe(1);
  });
});
