import { describe, expect, it } from 'vitest';
import { EVENT_LOOP_BOUND_PERCENT, explainEventLoop, explainRecommendation, replicasFor, tuningVsReplicas } from '../../src/tune/search/explain.ts';
import { pickRecommendation } from '../../src/tune/search/noise.ts';
import { gridConfigs } from '../../src/tune/search/space.ts';
import type { ServingConfig } from '../../src/serving/knobs.ts';
import { cnnSurface, mlpSurface, REALISTIC_SPACE } from './surfaces.ts';
import { isServebenchError } from '../../src/contract/errors.ts';

const BASE: ServingConfig = { workers: 1, max_batch_size: 1, max_batch_delay_us: 0, intra_op_threads: 1, max_queue_size: 256 };
const exact = (surface: typeof mlpSurface) => gridConfigs(REALISTIC_SPACE).map((config) => ({ config, ...surface(config) }));

describe('explainRecommendation', () => {
  it('says what the chosen knobs bought over the base, and what going further along each knob did', () => {
    const trials = exact(mlpSurface);
    const lines = explainRecommendation(trials, pickRecommendation(trials).chosen.config, BASE);
    expect(lines[0]).toBe('2 workers, batch 32 and delay 0.5 ms raised capacity 11.3x over the base configuration (979 -> 11055 rps)');
    expect(lines).toContain('2 workers instead of 1 worker: +100% capacity');
    expect(lines.find((l) => l.startsWith('4 workers instead of 2 workers'))).toMatch(/-15% capacity .*more workers did not help/);
    expect(lines.find((l) => l.startsWith('delay 2 ms instead of delay 0.5 ms'))).toMatch(/p99 at capacity 8\.7 ms -> 13\.1 ms\): the batching delay dominated p99/);
  });

  it('on a surface where batching does not help, says the batch and the delay gained nothing', () => {
    const trials = exact(cnnSurface);
    const lines = explainRecommendation(trials, pickRecommendation(trials).chosen.config, BASE);
    expect(lines[0]).toBe('2 workers raised capacity 2.0x over the base configuration (160 -> 320 rps)');
    expect(lines.find((l) => l.startsWith('batch 4 instead of no batching'))).toMatch(/\+0% capacity .*no gain worth its cost/);
  });

  it('falls back to the weakest measured configuration when the base was not measured, and refuses an unmeasured choice', () => {
    const trials = exact(mlpSurface).filter((t) => t.config.workers > 1);
    expect(explainRecommendation(trials, pickRecommendation(trials).chosen.config, BASE)[0]).toMatch(/over the weakest measured \(4 workers, no batching/);
    try {
      explainRecommendation(trials, BASE);
      throw new Error('accepted');
    } catch (err) {
      expect(isServebenchError(err) && err.code).toBe('SB_ERR_NO_DATA');
    }
  });
});

describe('capacity planning', () => {
  it('counts replicas with headroom and the utilisation that leaves', () => {
    expect(replicasFor(10_000, 1000, 0.3)).toEqual({ replicas: 15, utilisation: 10_000 / 15_000 });
    expect(replicasFor(7000, 1000, 0.3).replicas).toBe(10); // exactly 70% each: no extra replica for rounding
    expect(replicasFor(10, 1000, 0)).toEqual({ replicas: 1, utilisation: 0.01 });
    for (const bad of [() => replicasFor(0, 10), () => replicasFor(10, 10, 1)]) {
      try {
        bad();
        throw new Error('accepted');
      } catch (err) {
        expect(isServebenchError(err) && err.code).toBe('SB_ERR_INVALID_INPUT');
      }
    }
  });

  it('weighs what tuning bought against what one more replica buys', () => {
    const t = tuningVsReplicas({ targetRps: 20_000, baseCapacityRps: 1000, tunedCapacityRps: 10_000, runnerUpCapacityRps: 9900, headroom: 0.3 });
    expect(t.before.replicas).toBe(29);
    expect(t.after.replicas).toBe(3);
    expect(t.tuningGain).toBeCloseTo(9, 10);
    expect(t.replicaGain).toBeCloseTo(1 / 3, 10);
    expect(t.summary).toMatch(/29 replicas at 69% untuned, 3 replicas at 67% tuned \(tuning gave 10\.0x capacity per replica\)\. One more replica adds \+33%; the runner-up is within \+1%, so further tuning is worth less than one more machine\./);
    const stillWorth = tuningVsReplicas({ targetRps: 1000, baseCapacityRps: 100, tunedCapacityRps: 200, runnerUpCapacityRps: 120 });
    expect(stillWorth.summary).toMatch(/leads the runner-up by \+67%, so tuning remains the cheaper lever/);
  });
});

describe('explainEventLoop', () => {
  it('speaks only when the main thread was near a full core, and says what will and will not help', () => {
    expect(explainEventLoop({})).toBeUndefined();
    expect(explainEventLoop({ server_cpu_percent: 190, server_main_thread_cpu_percent: EVENT_LOOP_BOUND_PERCENT - 1 })).toBeUndefined();
    expect(explainEventLoop({ server_main_thread_cpu_percent: EVENT_LOOP_BOUND_PERCENT })).toMatch(/busy 80% of one core/);
    expect(explainEventLoop({ server_main_thread_cpu_percent: 97.6 })).toMatch(/busy 98% of one core: the request path, not inference, is likely the limit; more workers will not raise it much, more server replicas will/);
    expect(explainEventLoop({ server_cpu_percent: 140.2, server_main_thread_cpu_percent: 85 })).toMatch(/85% of one core \(the whole server: 140%\)/);
  });

  it('suggests binary tensors only to a run that did not send them', () => {
    expect(explainEventLoop({ server_main_thread_cpu_percent: 90 }, 'json')).toMatch(/binary tensors instead of JSON may$/);
    expect(explainEventLoop({ server_main_thread_cpu_percent: 90 })).toMatch(/binary tensors instead of JSON may$/);
    expect(explainEventLoop({ server_main_thread_cpu_percent: 90 }, 'binary')).not.toMatch(/binary/);
  });
});
