import { describe, expect, it } from 'vitest';
import { FaultInjector, stallRemainingMs } from '../../src/server/faults.ts';
import type { FaultSettings } from '../../src/server/config/resolve.ts';

const NONE: FaultSettings = { latencyMs: 0, latencyJitterMs: 0, stallMs: 0, stallEverySeconds: 0, errorRate: 0, leakBytesPerRequest: 0, workerCrashRate: 0, seed: 7 };

describe('fault injection', () => {
  it('places stalls at the start of every period', () => {
    expect(stallRemainingMs(0, 200, 1)).toBe(200);
    expect(stallRemainingMs(150, 200, 1)).toBe(50);
    expect(stallRemainingMs(200, 200, 1)).toBe(0);
    expect(stallRemainingMs(1050, 200, 1)).toBe(150);
    expect(stallRemainingMs(1050, 200, 0)).toBe(0);
  });

  it('is inactive with default settings and never fails a request', async () => {
    const faults = new FaultInjector(NONE);
    expect(faults.active).toBe(false);
    for (let i = 0; i < 100; i++) await faults.beforeInference();
    expect(faults.shouldCrashWorker()).toBe(false);
  });

  it('fails about the configured share of requests, repeatably for a seed', async () => {
    const outcomes = async () => {
      const faults = new FaultInjector({ ...NONE, errorRate: 0.3 });
      const result: boolean[] = [];
      for (let i = 0; i < 2000; i++) result.push(await faults.beforeInference().then(() => true, () => false));
      return result;
    };
    const first = await outcomes();
    const failures = first.filter((ok) => !ok).length;
    expect(failures).toBeGreaterThan(500);
    expect(failures).toBeLessThan(700);
    expect(await outcomes()).toEqual(first);
  });

  it('retains the leaked bytes per request', async () => {
    const faults = new FaultInjector({ ...NONE, leakBytesPerRequest: 4096 });
    for (let i = 0; i < 10; i++) await faults.beforeInference();
    expect(faults.leakedBytes).toBe(40960);
  });
});
