// Triton-style statistics: what perf_analyzer's server-side columns and tritonclient's
// get_inference_statistics read.
import { describe, expect, it } from 'vitest';
import { InferenceStatistics } from '../../src/server/statistics.ts';

describe('InferenceStatistics', () => {
  it('is all zero for a model version before its first request', () => {
    const s = new InferenceStatistics().snapshot('mlp', '1');
    expect(s).toMatchObject({ name: 'mlp', version: '1', last_inference: 0, inference_count: 0, execution_count: 0, batch_stats: [] });
    for (const d of Object.values(s.inference_stats)) expect(d).toEqual({ count: 0, ns: 0 });
  });

  it('adds successes with their time, queue and compute in nanoseconds, and failures apart', () => {
    const stats = new InferenceStatistics();
    const before = Date.now();
    stats.requestDone('mlp', '1', { ok: true, durationUs: 300.4, queueUs: 10, computeUs: 120 });
    stats.requestDone('mlp', '1', { ok: true, durationUs: 200, queueUs: 5, computeUs: 100 });
    stats.requestDone('mlp', '1', { ok: false, durationUs: 50 });
    const s = stats.snapshot('mlp', '1');
    expect(s.inference_stats.success).toEqual({ count: 2, ns: 500_400 });
    expect(s.inference_stats.fail).toEqual({ count: 1, ns: 50_000 });
    expect(s.inference_stats.queue).toEqual({ count: 2, ns: 15_000 });
    expect(s.inference_stats.compute_infer).toEqual({ count: 2, ns: 220_000 });
    // perf_analyzer refuses stats whose three compute counts differ.
    expect(s.inference_stats.compute_input).toEqual({ count: 2, ns: 0 });
    expect(s.inference_stats.compute_output).toEqual({ count: 2, ns: 0 });
    expect(s.last_inference).toBeGreaterThanOrEqual(before);
    // Whole nanoseconds: perf_analyzer reads them with rapidjson's GetUint64.
    for (const d of Object.values(s.inference_stats)) expect(Number.isInteger(d.ns)).toBe(true);
  });

  it('counts executions, the inferences in them and per-size batch stats, sorted by size', () => {
    const stats = new InferenceStatistics();
    stats.batchDone('mlp', '1', { size: 4, computeUs: 200 });
    stats.batchDone('mlp', '1', { size: 1, computeUs: 90 });
    stats.batchDone('mlp', '1', { size: 4, computeUs: 220 });
    const s = stats.snapshot('mlp', '1');
    expect(s.execution_count).toBe(3);
    expect(s.inference_count).toBe(9);
    expect(s.batch_stats).toEqual([
      { batch_size: 1, compute_input: { count: 1, ns: 0 }, compute_infer: { count: 1, ns: 90_000 }, compute_output: { count: 1, ns: 0 } },
      { batch_size: 4, compute_input: { count: 2, ns: 0 }, compute_infer: { count: 2, ns: 420_000 }, compute_output: { count: 2, ns: 0 } },
    ]);
  });

  it('keeps model versions apart and hands out copies', () => {
    const stats = new InferenceStatistics();
    stats.requestDone('mlp', '1', { ok: true, durationUs: 100, queueUs: 1, computeUs: 50 });
    stats.requestDone('mlp', '2', { ok: false, durationUs: 100 });
    const v1 = stats.snapshot('mlp', '1');
    expect(v1.inference_stats.success.count).toBe(1);
    expect(stats.snapshot('mlp', '2').inference_stats).toMatchObject({ success: { count: 0 }, fail: { count: 1 } });
    v1.inference_stats.success.count = 99;
    expect(stats.snapshot('mlp', '1').inference_stats.success.count).toBe(1);
  });
});
