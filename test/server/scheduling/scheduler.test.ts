// The scheduler's queueing, batching, overload, fault and shutdown behaviour on tiny built models.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ServingSettings } from '../../../src/server/inference.ts';
import type { ModelConfig } from '../../../src/server/repository/modelConfig.ts';
import { ModelScheduler, type SchedulerOptions } from '../../../src/server/scheduler.ts';
import { onnxFile } from '../../helpers/onnxFile.ts';
import { buildTinyModels, fp32Config, fp32Request, outcome, settings, type TinyModels } from './fixtures.ts';

let models: TinyModels;
const schedulers: ModelScheduler[] = [];

beforeAll(() => {
  models = buildTinyModels();
});
afterAll(() => models.cleanup());
afterEach(async () => {
  await Promise.all(schedulers.splice(0).map((s) => s.stop()));
});

async function started(
  file: string,
  config: ModelConfig,
  overrides: Partial<ServingSettings>,
  extra: Partial<SchedulerOptions> = {},
): Promise<ModelScheduler> {
  const s = new ModelScheduler({ modelName: config.name, config, files: [onnxFile(file)], settings: settings(overrides), ...extra });
  schedulers.push(s);
  await s.start();
  return s;
}

const relu = (values: number[]) => values.map((v) => Math.max(0, v));
/** Rows of width w whose values identify the request: request k, element j -> (k+1) * (j odd ? -1 : 1) * j. */
const pattern = (k: number, rows: number, w: number) => Float32Array.from({ length: rows * w }, (_, j) => (k + 1) * (j % 2 ? -1 : 1) * j);

/** Slow-model input big enough to keep a worker busy for hundreds of milliseconds. */
const slowRequest = (id: string, rows = 2048) => fp32Request(id, 'x', [rows, 512], new Float32Array(rows * 512).fill(0.01));

describe('ModelScheduler batching', () => {
  it('forms batches larger than one under concurrent requests, and splits the rows back', async () => {
    const batches: { size: number; requests: number }[] = [];
    const done: boolean[] = [];
    const s = await started(models.relu, fp32Config('relu', [4]), { max_batch_size: 16, max_batch_delay_us: 2000 }, {
      observer: { onBatch: (b) => batches.push(b), onRequestDone: (r) => done.push(r.ok) },
    });
    const results = await Promise.all(Array.from({ length: 12 }, (_, k) => s.infer(fp32Request(`r${k}`, 'x', [1, 4], pattern(k, 1, 4)))));
    results.forEach((r, k) => {
      expect(r.outputs[0].shape).toEqual([1, 4]);
      expect([...r.outputs[0].data]).toEqual(relu([...pattern(k, 1, 4)]));
    });
    expect(Math.max(...batches.map((b) => b.size))).toBeGreaterThan(1);
    expect(batches.reduce((n, b) => n + b.requests, 0)).toBe(12);
    expect(done).toEqual(Array(12).fill(true));
    expect(s.queueDepth()).toBe(0);
    expect(s.inFlight()).toBe(0);
  });

  it('never stacks requests whose non-batch dims differ', async () => {
    const batches: number[] = [];
    const s = await started(models.reluDynamic, fp32Config('relu_dynamic', [-1]), { max_batch_size: 16, max_batch_delay_us: 5000 }, {
      observer: { onBatch: (b) => batches.push(b.requests) },
    });
    const widths = [3, 5, 3, 5, 5, 3, 7];
    const results = await Promise.all(widths.map((w, k) => s.infer(fp32Request(`r${k}`, 'x', [1, w], pattern(k, 1, w)))));
    results.forEach((r, k) => {
      expect(r.outputs[0].shape).toEqual([1, widths[k]]);
      expect([...r.outputs[0].data]).toEqual(relu([...pattern(k, 1, widths[k])]));
    });
    // One batch per width, every request of that width in it: 3,3,3 / 5,5,5 / 7.
    expect(batches.sort()).toEqual([1, 3, 3]);
    expect(results.map((r) => r.batchSize)).toEqual([3, 3, 3, 3, 3, 3, 1]);
  });

  it('dispatches a preferred batch size at once instead of waiting out the delay', async () => {
    const batches: number[] = [];
    // A 10 s delay: only the preferred size can make these requests go.
    const s = await started(models.relu, fp32Config('relu', [4]), { max_batch_size: 16, max_batch_delay_us: 10_000_000, preferred_batch_sizes: [4] }, {
      observer: { onBatch: (b) => batches.push(b.size) },
    });
    const results = await Promise.all([1, 2, 1].map((rows, k) => s.infer(fp32Request(`r${k}`, 'x', [rows, 4], pattern(k, rows, 4)))));
    expect(batches).toEqual([4]);
    expect(results[1].outputs[0].shape).toEqual([2, 4]);
    expect([...results[1].outputs[0].data]).toEqual(relu([...pattern(1, 2, 4)]));
  });

  it('runs each request of a model with max_batch_size 0 alone, with its shapes as given', async () => {
    const batches: number[] = [];
    const s = await started(models.relu, fp32Config('relu_nobatch', [3, 4], 0), { max_batch_size: 16, max_batch_delay_us: 5000 }, {
      observer: { onBatch: (b) => batches.push(b.requests) },
    });
    const results = await Promise.all([0, 1, 2].map((k) => s.infer({ id: `r${k}`, batchSize: 1, inputs: [{ name: 'x', datatype: 'FP32', shape: [3, 4], data: pattern(k, 3, 4) }] })));
    expect(batches).toEqual([1, 1, 1]);
    results.forEach((r, k) => {
      expect(r.outputs[0].shape).toEqual([3, 4]);
      expect(r.batchSize).toBe(1);
      expect([...r.outputs[0].data]).toEqual(relu([...pattern(k, 3, 4)]));
    });
  });
});

describe('ModelScheduler overload', () => {
  it('rejects at once with SB_ERR_QUEUE_FULL when max_queue_size requests are waiting', async () => {
    const s = await started(models.slow, fp32Config('slow', [512]), { max_batch_size: 0, max_queue_size: 2 });
    const running = outcome(s.infer(slowRequest('busy')));
    const queued = [outcome(s.infer(slowRequest('q1'))), outcome(s.infer(slowRequest('q2')))];
    expect(s.inFlight()).toBe(1);
    expect(s.queueDepth()).toBe(2);
    // "At once": the refusal arrives while the running request is still running, not after the queue moved.
    let runningSettled = false;
    void running.then(() => (runningSettled = true));
    const rejected = await outcome(s.infer(slowRequest('q3')));
    expect(runningSettled).toBe(false);
    expect(rejected).toMatchObject({ ok: false, code: 'SB_ERR_QUEUE_FULL' });
    expect(s.queueDepth()).toBe(2);
    await s.stop();
    expect(await running).toMatchObject({ ok: false, code: 'SB_ERR_SHUTTING_DOWN' });
    expect(await Promise.all(queued)).toEqual([
      expect.objectContaining({ code: 'SB_ERR_SHUTTING_DOWN' }),
      expect.objectContaining({ code: 'SB_ERR_SHUTTING_DOWN' }),
    ]);
  });

  it('times out a queued request and a running one with SB_ERR_TIMEOUT, and keeps serving', async () => {
    const done: boolean[] = [];
    let lateBatchDone!: () => void;
    const lateBatch = new Promise<void>((resolve) => (lateBatchDone = resolve));
    const s = await started(models.slow, fp32Config('slow', [512]), { max_batch_size: 0, request_timeout_ms: 100 }, {
      observer: { onRequestDone: (r) => done.push(r.ok), onBatch: () => lateBatchDone() },
    });
    const running = outcome(s.infer(slowRequest('long')));
    const queued = outcome(s.infer(slowRequest('waiting')));
    const [r1, r2] = await Promise.all([running, queued]);
    expect(r1).toMatchObject({ ok: false, code: 'SB_ERR_TIMEOUT' });
    expect(!r1.ok && r1.message).toMatch(/request long was still running/);
    expect(r2).toMatchObject({ ok: false, code: 'SB_ERR_TIMEOUT' });
    expect(!r2.ok && r2.message).toMatch(/request waiting waited in the queue/);
    expect(s.queueDepth()).toBe(0);
    expect(s.inFlight()).toBe(0);
    expect(done).toEqual([false, false]);
    // The running batch still finishes; its result is dropped, and a small request then goes through.
    await lateBatch;
    expect(done).toEqual([false, false]);
    const next = await s.infer(slowRequest('small', 1));
    expect(next.outputs[0].shape).toEqual([1, 512]);
    expect(done).toEqual([false, false, true]);
  });
});

describe('ModelScheduler faults', () => {
  it('fails only the crashed batch with SB_ERR_WORKER_FAILED and serves the next requests on a replacement', async () => {
    const exits: (number | null)[] = [];
    let crashes = 1;
    const s = await started(models.relu, fp32Config('relu', [4]), { max_batch_size: 3, max_batch_delay_us: 1_000_000 }, {
      observer: { onWorkerExit: (e) => exits.push(e.code) },
      faults: { shouldCrashWorker: () => crashes-- > 0 },
    });
    // Three requests fill one batch (max 3), which crashes; the fourth waits in the queue meanwhile.
    const first = [0, 1, 2].map((k) => outcome(s.infer(fp32Request(`c${k}`, 'x', [1, 4], pattern(k, 1, 4)))));
    const queued = s.infer(fp32Request('after', 'x', [1, 4], pattern(3, 1, 4)));
    const failed = await Promise.all(first);
    for (const f of failed) expect(f).toMatchObject({ ok: false, code: 'SB_ERR_WORKER_FAILED' });
    expect(!failed[0].ok && failed[0].message).toMatch(/code 70.*requests c0, c1, c2/);
    expect(exits).toEqual([70]);
    // Nothing hangs: the queued request and a new one run on the replacement.
    const [after, fresh] = await Promise.all([queued, s.infer(fp32Request('fresh', 'x', [1, 4], pattern(4, 1, 4)))]);
    expect([...after.outputs[0].data]).toEqual(relu([...pattern(3, 1, 4)]));
    expect([...fresh.outputs[0].data]).toEqual(relu([...pattern(4, 1, 4)]));
    expect(s.liveWorkers()).toBe(1);
  });

  it('with two workers, a crash on one leaves the other serving', async () => {
    let crashes = 1;
    const s = await started(models.relu, fp32Config('relu', [4]), { workers: 2, max_batch_size: 1 }, {
      faults: { shouldCrashWorker: () => crashes-- > 0 },
    });
    const results = await Promise.all([0, 1, 2, 3].map((k) => outcome(s.infer(fp32Request(`r${k}`, 'x', [1, 4], pattern(k, 1, 4))))));
    expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['SB_ERR_WORKER_FAILED', 'ok', 'ok', 'ok']);
    await vi.waitFor(() => expect(s.liveWorkers()).toBe(2), { timeout: 10_000 });
  });
});

describe('ModelScheduler without workers', () => {
  it('fails queued requests fast and is not ready while replacements fail to load, backing off, and recovers once one loads', async () => {
    const exits: string[] = [];
    let crashes = 1;
    let failingLoads = 0;
    const s = new ModelScheduler({
      modelName: 'failing',
      config: fp32Config('failing', [4]),
      files: [onnxFile(models.relu)],
      settings: settings({ max_batch_size: 1 }),
      faults: { shouldCrashWorker: () => crashes-- > 0, shouldFailLoad: () => failingLoads-- > 0 },
      observer: {
        onWorkerExit: (e) => {
          exits.push(e.reason);
          // The first exit is the crash: the next two replacements fail to load.
          if (exits.length === 1) failingLoads = 2;
        },
      },
    });
    schedulers.push(s);
    await s.start();
    expect(s.ready()).toBe(true);
    const crashed = outcome(s.infer(fp32Request('c', 'x', [1, 4], pattern(0, 1, 4))));
    const queued = outcome(s.infer(fp32Request('q', 'x', [1, 4], pattern(1, 1, 4))));
    expect(await crashed).toMatchObject({ ok: false, code: 'SB_ERR_WORKER_FAILED' });
    const q = await queued;
    expect(q).toMatchObject({ ok: false, code: 'SB_ERR_WORKER_FAILED' });
    expect(!q.ok && q.message).toMatch(/no running worker.*injected load failure/);
    expect(s.ready()).toBe(false);
    expect(await outcome(s.infer(fp32Request('n', 'x', [1, 4], pattern(2, 1, 4))))).toMatchObject({ ok: false, code: 'SB_ERR_WORKER_FAILED' });
    // The pool keeps trying, each wait twice the one before; the third replacement loads.
    await vi.waitFor(() => expect(s.liveWorkers()).toBe(1), { timeout: 20_000, interval: 100 });
    expect(exits.slice(1)).toEqual([
      expect.stringMatching(/^replacement failed \(1 in a row; next try in 1000 ms\)/),
      expect.stringMatching(/^replacement failed \(2 in a row; next try in 2000 ms\)/),
    ]);
    expect(s.ready()).toBe(true);
    const ok = await s.infer(fp32Request('back', 'x', [1, 4], pattern(3, 1, 4)));
    expect([...ok.outputs[0].data]).toEqual(relu([...pattern(3, 1, 4)]));
  });

  it('a replacement runs the bytes verified at load, not what is on disk now', async () => {
    const file = join(models.dir, 'swapped.onnx');
    copyFileSync(models.relu, file);
    let crashes = 1;
    const s = new ModelScheduler({
      modelName: 'swapped',
      config: fp32Config('swapped', [4]),
      files: [onnxFile(file)],
      settings: settings({ max_batch_size: 1 }),
      faults: { shouldCrashWorker: () => crashes-- > 0 },
    });
    schedulers.push(s);
    await s.start();
    writeFileSync(file, 'not the model that was verified');
    expect(await outcome(s.infer(fp32Request('c', 'x', [1, 4], pattern(0, 1, 4))))).toMatchObject({ ok: false, code: 'SB_ERR_WORKER_FAILED' });
    await vi.waitFor(() => expect(s.liveWorkers()).toBe(1), { timeout: 10_000, interval: 50 });
    const ok = await s.infer(fp32Request('after', 'x', [1, 4], pattern(3, 1, 4)));
    expect([...ok.outputs[0].data]).toEqual(relu([...pattern(3, 1, 4)]));
  });
});

describe('ModelScheduler lifecycle', () => {
  it('drain resolves only after in-flight work is answered, and refuses new requests meanwhile', async () => {
    const s = await started(models.slow, fp32Config('slow', [512]), { max_batch_size: 0 });
    const order: string[] = [];
    const running = s.infer(slowRequest('inflight', 512)).then((r) => {
      order.push('answered');
      return r;
    });
    const queued = s.infer(slowRequest('queued', 16)).then((r) => {
      order.push('queued answered');
      return r;
    });
    expect(s.inFlight()).toBe(1);
    const drained = s.drain().then(() => order.push('drained'));
    expect(await outcome(s.infer(slowRequest('late', 1)))).toMatchObject({ ok: false, code: 'SB_ERR_SHUTTING_DOWN' });
    await drained;
    expect(order).toEqual(['answered', 'queued answered', 'drained']);
    expect((await running).outputs[0].shape).toEqual([512, 512]);
    expect((await queued).outputs[0].shape).toEqual([16, 512]);
    expect(s.inFlight()).toBe(0);
  });

  it('drain resolves at once when nothing is pending', async () => {
    const s = await started(models.relu, fp32Config('relu', [4]), {});
    await expect(s.drain()).resolves.toBeUndefined();
  });

  it('start rejects with SB_ERR_MODEL_LOAD naming the file whose bytes do not load', async () => {
    const garbage = `${models.dir}/garbage.onnx`;
    writeFileSync(garbage, 'not an onnx model');
    const s = new ModelScheduler({ modelName: 'gone', config: fp32Config('gone', [4]), files: [onnxFile(garbage)], settings: settings() });
    schedulers.push(s);
    const result = await outcome(s.start());
    expect(result).toMatchObject({ ok: false, code: 'SB_ERR_MODEL_LOAD' });
    expect(!result.ok && result.message).toContain(garbage);
  });
});
