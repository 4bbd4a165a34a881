// servebench tune on real Triton and TorchServe in launch mode: two knobs, two values each, every
// trial a restart of the real server with that trial's values in the server's own terms.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.ts';
import { configKey } from '../../src/tune/search/space.ts';
import { parseSweepSection } from '../../src/tune/sweepSection.ts';
import type { TrialRecord } from '../../src/tune/trialRecord.ts';
import { runTune } from '../../src/tune/tune.ts';
import { REPO_ROOT } from '../helpers/servers.ts';
import { requirePeer } from './installed.ts';

const root = mkdtempSync(join(tmpdir(), 'sb-tune-peers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('servebench tune on real peers, restarting them per trial', { timeout: 600_000 }, () => {
  it.each(['triton', 'torchserve'] as const)('%s', async (peer) => {
    requirePeer(peer);
    const file = `${REPO_ROOT}scenarios/peers/tune-${peer}.yaml`;
    const { scenario } = await loadScenarioFile(file);
    const spec = parseSweepSection(scenario.sweep, file);
    const dir = join(root, peer);
    const { results, recommendation } = await runTune(scenario, spec, { runId: `tune-${peer}`, dir });
    expect(results.error).toBeUndefined();
    const trials = readFileSync(join(dir, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrialRecord);
    // The grid: every combination of the two knobs, once.
    expect(new Set(trials.map((t) => configKey(t.config))).size).toBe(4);
    for (const t of trials) {
      expect(t.startup_ms, `trial ${t.index}`).toBeGreaterThan(0);
      expect(t.points.length).toBeGreaterThan(0);
    }
    if (peer === 'triton') {
      // Read back from Triton's own model configuration after each restart.
      for (const t of trials) expect(t.effective_serving).toMatchObject({ max_batch_size: t.config.max_batch_size, workers: t.config.workers });
    }
    expect(recommendation?.capacity_rps).toBeGreaterThan(0);
    expect(existsSync(join(dir, peer === 'triton' ? 'config.pbtxt' : 'config.properties'))).toBe(true);
  });
});
