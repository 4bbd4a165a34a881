// The other objective: the lowest p99 at a given rate, against the embedded server.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { parseSweepSection } from '../../src/tune/sweepSection.ts';
import type { TrialRecord } from '../../src/tune/trialRecord.ts';
import { runTune } from '../../src/tune/tune.ts';

const root = mkdtempSync(join(tmpdir(), 'sb-objective-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('servebench tune with objective min-p99', () => {
  it('measures every configuration at the one rate and recommends the lowest p99', async () => {
    const sweep = { strategy: 'grid', objective: 'min-p99', rate: '40/s', knobs: { max_batch_delay: [0, '500ms'], max_batch_size: 32 }, slo: ['p99 < 2s', 'error_rate < 5%'], step: '1s', warmup: '0.2s', repeats: 1 };
    const scenario = parseScenario({ model: 'mlp', phases: [{ kind: 'steady', duration: '1s' }], sweep }, 'objective.yaml');
    const spec = parseSweepSection(scenario.sweep, 'objective.yaml');
    const dir = join(root, 'run');
    const { results, recommendation } = await runTune(scenario, spec, { runId: 'objective', dir });

    expect(results.error, results.error).toBeUndefined();
    const records = readFileSync(join(dir, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrialRecord);
    expect(records.map((r) => r.config.max_batch_delay_us)).toEqual([0, 500_000]);
    // One step per trial, at the objective's rate.
    expect(records.every((r) => r.stop === 'single-rate' && r.points.length === 1 && r.points[0].rate === 40)).toBe(true);
    // Batches of 32 take 800 ms to fill at 40 rps, so the first request of each waits the whole 500 ms delay.
    const [noDelay, delayed] = records;
    expect(delayed.p99_us).toBeGreaterThanOrEqual(500_000);
    expect(delayed.p99_us).toBeGreaterThan(noDelay.p99_us);
    expect(recommendation!.config.max_batch_delay_us).toBe(0);
    expect(recommendation!.objective).toBe('min-p99');
    expect(recommendation!.p99_at_rate_us).toBe(noDelay.p99_us);
    expect(results.sweep!.objective).toBe('min-p99 at 40 rps');
  });
});
