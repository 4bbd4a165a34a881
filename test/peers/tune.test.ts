// servebench tune on real servers, two knobs with two values each: Triton in launch mode (every
// trial a restart with the trial's values in Triton's own terms: PyTriton serves its models from a
// workspace of its own, so Triton's repository API cannot reload them), TorchServe through its own
// management API (one server; the model registered again or its workers scaled per trial).
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

describe('servebench tune on real peers', { timeout: 600_000 }, () => {
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
      expect(t.points.length, `trial ${t.index}: ${t.warnings.join('; ')}`).toBeGreaterThan(0);
      // Read back from the server's own account: Triton's model configuration, TorchServe's model description.
      expect(t.effective_serving, `trial ${t.index}`).toMatchObject({ max_batch_size: t.config.max_batch_size, workers: t.config.workers });
      // Launch mode restarts the server per trial and times it; the API keeps one server.
      if (peer === 'triton') expect(t.startup_ms, `trial ${t.index}`).toBeGreaterThan(0);
      else expect(t.startup_ms).toBeUndefined();
    }
    expect(recommendation?.capacity_rps).toBeGreaterThan(0);
    expect(existsSync(join(dir, peer === 'triton' ? 'config.pbtxt' : 'config.properties'))).toBe(true);
  });
});
