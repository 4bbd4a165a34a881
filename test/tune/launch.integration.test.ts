// Launch mode: a command target whose command line names knobs is restarted per trial with that
// trial's values, as Model Analyzer restarts Triton. servebench serve, launched from its command
// line, stands in for any server here; test:peers does the same with Triton and TorchServe.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { parseSweepSection } from '../../src/tune/sweepSection.ts';
import type { TrialRecord } from '../../src/tune/trialRecord.ts';
import { runTune } from '../../src/tune/tune.ts';
import { MODELS_DIR, REPO_ROOT } from '../helpers/servers.ts';

const root = mkdtempSync(join(tmpdir(), 'sb-launch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SWEEP = { strategy: 'grid', knobs: { max_batch_size: [0, 8] }, slo: ['p99 < 250ms', 'error_rate < 5%'], step: '0.5s', warmup: '0.3s', start_rate: 100, max_steps: 3, precision: '50%', repeats: 1 };
// The server's own flag names, as a user's launcher would spell them.
const command = (knobs: string) => [process.execPath, 'bin/servebench', 'serve', '--port', '{port}', '--models', MODELS_DIR, '--load-models', '{model}', ...knobs.split(' ')];

describe('servebench tune in launch mode', { timeout: 180_000 }, () => {
  it('restarts the server per trial with its knobs, reads them back, and keeps each start-up time', async () => {
    const scenario = parseScenario({ name: 'launch', model: 'mlp', target: { command: command('--max-batch-size {max_batch_size} --max-batch-delay-us {max_queue_delay_microseconds}'), cwd: REPO_ROOT, server: { max_batch_delay_us: 1000 } }, phases: [{ kind: 'steady', duration: '1s' }], sweep: SWEEP }, 'launch.yaml', { baseDir: REPO_ROOT });
    const spec = parseSweepSection(scenario.sweep, 'launch.yaml');
    const dir = join(root, 'sweep');
    const { results, recommendation } = await runTune(scenario, spec, { runId: 'launch', dir });
    expect(results.error).toBeUndefined();
    const trials = readFileSync(join(dir, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrialRecord);
    expect(trials.map((t) => t.config.max_batch_size).sort()).toEqual([0, 8]);
    for (const t of trials) {
      expect(t.startup_ms).toBeGreaterThan(0);
      // What the restarted server reports running is the trial's configuration.
      expect(t.effective_serving).toMatchObject({ max_batch_size: t.config.max_batch_size, max_batch_delay_us: t.config.max_batch_delay_us });
    }
    // The knob the sweep does not vary keeps the target's own value (a delay means nothing without batching).
    expect(trials.find((t) => t.config.max_batch_size === 8)!.effective_serving).toMatchObject({ max_batch_delay_us: 1000 });
    expect(results.sweep!.trials.every((t) => t.startup_ms !== undefined)).toBe(true);
    expect(readFileSync(join(dir, 'trials.csv'), 'utf8').split('\n')[0]).toMatch(/,startup_ms$/);
    expect(recommendation?.capacity_rps).toBeGreaterThan(0);
    // The closing checks ran on the server restarted with the recommended knobs.
    expect(results.server_config).toMatchObject({ effective_serving: { max_batch_size: recommendation!.config.max_batch_size } });
  });

  it('writes each start its config file, and proves the exported one by starting the server with it', async () => {
    const scenario = parseScenario({ name: 'launch-file', model: 'mlp', target: { command: command('--config {servebench_yaml}'), cwd: REPO_ROOT, server: { max_batch_delay_us: 1000 } }, phases: [{ kind: 'steady', duration: '1s' }], sweep: SWEEP }, 'launch.yaml', { baseDir: REPO_ROOT });
    const spec = parseSweepSection(scenario.sweep, 'launch.yaml');
    const dir = join(root, 'file');
    const { results, recommendation } = await runTune(scenario, spec, { runId: 'launch-file', dir });
    expect(results.error).toBeUndefined();
    const trials = readFileSync(join(dir, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrialRecord);
    // The file carries every knob: the ones the sweep varies and the target's own.
    for (const t of trials) expect(t.effective_serving).toMatchObject({ max_batch_size: t.config.max_batch_size, max_batch_delay_us: t.config.max_batch_size > 0 ? 1000 : 0, workers: 1 });
    const proof = recommendation!.proof!;
    expect(proof).toMatchObject({ file: 'servebench.yaml', loaded_by: 'restart' });
    expect(proof.error).toBeUndefined();
    expect(proof.not_applied).toBeUndefined();
    // What the server ran after loading the export is the recommended configuration.
    expect(proof.effective_serving).toMatchObject({ max_batch_size: recommendation!.config.max_batch_size, workers: recommendation!.config.workers });
    expect(proof.startup_ms).toBeGreaterThan(0);
    // It measured the restarted server (on a machine busy with other work the SLO may hold at no rate: capacity 0).
    expect(proof.points.length).toBeGreaterThan(0);
    expect(recommendation!.why.some((line) => line.startsWith('servebench.yaml, loaded into the server as a user would, measured'))).toBe(true);
  });

  it('refuses a sweep of a knob the command line cannot pass, naming what it can sweep and how', async () => {
    const scenario = parseScenario({ name: 'launch-refused', model: 'mlp', target: { command: command('--max-batch-size {batch_size}'), cwd: REPO_ROOT }, phases: [{ kind: 'steady', duration: '1s' }], sweep: { ...SWEEP, knobs: { max_batch_size: [0, 8], workers: [1, 2] } } }, 'launch.yaml', { baseDir: REPO_ROOT });
    const spec = parseSweepSection(scenario.sweep, 'launch.yaml');
    const { results } = await runTune(scenario, spec, { runId: 'launch-refused', dir: join(root, 'refused') });
    expect(results.error).toMatch(/^the target's command line has no placeholder for workers, so a restart cannot change it \(it can sweep: max_batch_size\)\. Pass the knob in the command, e\.g\. \{workers\} or \{instance_count\} or \{default_workers_per_model\} or \{parallel_workers\}/);
  });
});

describe('a configuration the launched server will not run', { timeout: 180_000 }, () => {
  it('is a failed trial when the server dies on it, after one more start, and the tune goes on', async () => {
    // A real server that exits at start-up with max_batch_size 16, as a server refusing a setting would.
    const dies = `if [ "$2" = 16 ]; then echo "max_batch_size 16 is not supported here" >&2; exit 3; fi; exec "$3" bin/servebench serve --port "$1" --models "$4" --load-models mlp --max-batch-size "$2"`;
    const scenario = parseScenario({ name: 'launch-dies', model: 'mlp', target: { command: ['sh', '-c', dies, 'sh', '{port}', '{max_batch_size}', process.execPath, MODELS_DIR], cwd: REPO_ROOT }, phases: [{ kind: 'steady', duration: '1s' }], sweep: { ...SWEEP, knobs: { max_batch_size: [0, 16] } } }, 'launch.yaml', { baseDir: REPO_ROOT });
    const spec = parseSweepSection(scenario.sweep, 'launch.yaml');
    const dir = join(root, 'dies');
    const { results, recommendation } = await runTune(scenario, spec, { runId: 'launch-dies', dir });
    expect(results.error).toBeUndefined();
    const trials = readFileSync(join(dir, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrialRecord);
    const died = trials.find((t) => t.config.max_batch_size === 16)!;
    expect(died).toMatchObject({ capacity_rps: 0, stop: 'server-failed', points: [] });
    expect(died.warnings[0]).toMatch(/^the server failed with this configuration: sh exited \(code 3\) before http:\/\/127\.0\.0\.1:\d+\/v2\/models\/mlp\/ready answered 200; its last output:\n {2}max_batch_size 16 is not supported here/);
    // It was started twice before the trial was called failed.
    expect(results.warnings.filter((w) => /^the server failed to start \(sh exited \(code 3\)/.test(w))).toHaveLength(1);
    expect(recommendation?.config.max_batch_size).toBe(0);
  });


  it('is a failed trial with its reason, and the tune goes on', async () => {
    // mlp's own max_batch_size is 64: the server caps 128 and says so, which the read-back catches.
    const scenario = parseScenario({ name: 'launch-capped', model: 'mlp', target: { command: command('--max-batch-size {max_batch_size}'), cwd: REPO_ROOT }, phases: [{ kind: 'steady', duration: '1s' }], sweep: { ...SWEEP, knobs: { max_batch_size: [0, 128] } } }, 'launch.yaml', { baseDir: REPO_ROOT });
    const spec = parseSweepSection(scenario.sweep, 'launch.yaml');
    const dir = join(root, 'capped');
    const { results, recommendation } = await runTune(scenario, spec, { runId: 'launch-capped', dir });
    expect(results.error).toBeUndefined();
    const trials = readFileSync(join(dir, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrialRecord);
    const capped = trials.find((t) => t.config.max_batch_size === 128)!;
    expect(capped).toMatchObject({ capacity_rps: 0, stop: 'server-failed' });
    expect(capped.warnings[0]).toMatch(/^the server failed with this configuration: mlp restarted with max_batch_size 128 \(server: 64\)/);
    expect(recommendation?.config.max_batch_size).toBe(0);
  });
});
