// The proof's other half, shortened: the same soak on a healthy server says "no leak". The V8
// heap's sawtooth and the RSS growth of start-up must not read as a leak: the warm-up is cut and
// the fit is robust (Theil–Sen); the limit (see TEST_SETTINGS) sits between the two.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSoak } from '../../src/soak/run.ts';
import { resolveSoakSettings } from '../../src/soak/settings.ts';
import { embeddedScenario, TEST_SETTINGS } from './helpers.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'servebench-soak-healthy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('servebench soak on a healthy server', () => {
  it('says "no leak" after the warm-up, passes rss_slope, and reports the harness\'s own growth', async () => {
    const results = await runSoak(embeddedScenario('healthy'), resolveSoakSettings(TEST_SETTINGS), { outDir: dir, runId: 'healthy-test' });
    const soak = results.soak!;
    expect(soak.leak.verdict, soak.leak.summary).toBe('no leak');
    expect(soak.leak.ci[1]).toBeLessThan(10_000);
    expect(results.thresholds.find((t) => t.expression === 'rss_slope < 10GB/h')?.passed).toBe(true);
    expect(soak.completed).toBe(true);
    // The fit starts after the warm-up.
    const details = results.verdicts.find((v) => v.kind === 'leak')!.details as { from_s: number };
    expect(details.from_s).toBeGreaterThanOrEqual(TEST_SETTINGS.warmup_s);
    expect(soak.samples.every((s) => (s.rss_bytes ?? 0) > 0)).toBe(true);
    expect(soak.samples.some((s) => (s.heap_used_bytes ?? 0) > 0)).toBe(true);
    // The harness holds intervals, not requests: hundreds of requests must not grow it by more than this.
    expect(soak.harness_rss_growth_bytes).toBeDefined();
    expect(soak.harness_rss_growth_bytes!).toBeLessThan(64 * 2 ** 20);
    expect(results.phases.find((p) => p.name === 'soak')!.requests.ok).toBeGreaterThan(200);
  }, 150_000); // 30 s of soak; server start and drain take long on a loaded machine
});
