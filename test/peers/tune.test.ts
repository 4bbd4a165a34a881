// servebench tune on real servers, two knobs with two values each: Triton in launch mode (every
// trial a restart of tritonserver on a model repository holding the trial's config.pbtxt, as Model
// Analyzer does) and through its repository API (one tritonserver; the model loaded again with the
// trial's model configuration), TorchServe through its management API (one server; the model
// registered again or its workers scaled). Each ends by loading its exported file into a fresh
// server (config.pbtxt, config.properties) and measuring it again: the proof.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.ts';
import { configKey } from '../../src/serving/config.ts';
import { parseSweepSection } from '../../src/tune/sweepSection.ts';
import type { TrialRecord } from '../../src/tune/trialRecord.ts';
import { runTune } from '../../src/tune/tune.ts';
import { REPO_ROOT } from '../helpers/servers.ts';
import { requirePeer } from './installed.ts';

const root = mkdtempSync(join(tmpdir(), 'sb-tune-peers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('servebench tune on real peers', { timeout: 600_000 }, () => {
  it.each(['triton', 'triton-api', 'torchserve'] as const)('%s', async (scenarioName) => {
    const peer = scenarioName === 'torchserve' ? 'torchserve' : 'triton';
    const launched = scenarioName === 'triton';
    requirePeer(peer);
    const file = `${REPO_ROOT}scenarios/peers/tune-${scenarioName}.yaml`;
    const { scenario } = await loadScenarioFile(file);
    const spec = parseSweepSection(scenario.sweep, file);
    const dir = join(root, scenarioName);
    const { results, recommendation } = await runTune(scenario, spec, { runId: `tune-${scenarioName}`, dir });
    expect(results.error).toBeUndefined();
    const trials = readFileSync(join(dir, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrialRecord);
    // The grid: every combination of the two knobs, once.
    expect(new Set(trials.map((t) => configKey(t.config))).size).toBe(4);
    for (const t of trials) {
      expect(t.points.length, `trial ${t.index}: ${t.warnings.join('; ')}`).toBeGreaterThan(0);
      // Read back from the server's own account: Triton's model configuration, TorchServe's model description.
      expect(t.effective_serving, `trial ${t.index}`).toMatchObject({ max_batch_size: t.config.max_batch_size, workers: t.config.workers });
      // Launch mode restarts the server per trial and times it; the API keeps one server.
      if (launched) expect(t.startup_ms, `trial ${t.index}`).toBeGreaterThan(0);
      else expect(t.startup_ms).toBeUndefined();
    }
    expect(recommendation?.capacity_rps).toBeGreaterThan(0);
    const exported = peer === 'triton' ? 'config.pbtxt' : 'config.properties';
    expect(existsSync(join(dir, exported))).toBe(true);
    // The export, loaded into the server as a user would, runs the recommended configuration and
    // was measured again. Whether the two capacities agree on two busy cores is the finding, not the test.
    const proof = recommendation!.proof!;
    expect(proof.error).toBeUndefined();
    expect(proof).toMatchObject({ file: exported, loaded_by: 'restart' });
    expect(proof.not_applied).toBeUndefined();
    expect(proof.effective_serving).toMatchObject({ max_batch_size: recommendation!.config.max_batch_size, workers: recommendation!.config.workers });
    expect(proof.capacity_rps).toBeGreaterThan(0);
  });
});
