// A small real sweep against the embedded server: max_batch_size {0, 16} x max_batch_delay {0, 2ms}
// with short rate steps. One server for the whole sweep, the model reloaded per trial through the
// management API, every trial on disk, the recommendation and its exports written.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/contract/results.ts';
import type { RunEvent } from '../../src/contract/events.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import type { RunningServer } from '../../src/server/server.ts';
import { configKey } from '../../src/serving/config.ts';
import { parseSweepSection } from '../../src/tune/sweepSection.ts';
import type { TrialRecord } from '../../src/tune/trialRecord.ts';
import { runTune } from '../../src/tune/tune.ts';
import { startTestServer } from '../helpers/servers.ts';

const root = mkdtempSync(join(tmpdir(), 'sb-tune-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SWEEP = {
  strategy: 'grid',
  knobs: { max_batch_size: [0, 16], max_batch_delay: [0, '2ms'] },
  // Lenient: this checks the machinery on a shared machine, not the server's speed.
  slo: ['p99 < 250ms', 'error_rate < 5%'],
  step: '0.5s',
  warmup: '0.3s',
  start_rate: 100,
  max_steps: 4,
  precision: '30%',
  repeats: 1,
};

describe('servebench tune against the embedded server', () => {
  it('measures each distinct configuration once on one server and recommends one', async () => {
    const scenario = parseScenario({ name: 'tune-test', model: 'mlp', phases: [{ kind: 'steady', duration: '1s' }], sweep: SWEEP }, 'tune-test.yaml');
    const spec = parseSweepSection(scenario.sweep, 'tune-test.yaml');
    const dir = join(root, 'sweep');
    const events: RunEvent[] = [];
    const { results, recommendation, files } = await runTune(scenario, spec, { runId: 'tune-test', dir, onEvent: (e) => events.push(e) });

    expect(results.error, results.error).toBeUndefined();
    // 2 x 2 combinations, 3 distinct: without batching a delay changes nothing (its delay-0 twin).
    const records = readFileSync(join(dir, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrialRecord);
    expect(new Set(records.map((r) => configKey(r.config))).size).toBe(3);
    expect(records).toHaveLength(3);
    for (const r of records) {
      // The server confirmed every reload: effective_serving holds what the trial asked for.
      expect(r.effective_serving).toMatchObject({ max_batch_size: r.config.max_batch_size, max_batch_delay_us: r.config.max_batch_delay_us, workers: 1 });
      expect(r.points.length).toBeGreaterThan(0);
      expect(r.points.every((p, i) => i === 0 || r.points[i - 1].rate <= p.rate)).toBe(true);
      expect(r.server_rss_bytes ?? 0).toBeGreaterThan(10 * 2 ** 20);
      // The event loop's CPU is measured apart (from Linux's /proc), and is part of the server's.
      if (process.platform === 'linux') {
        expect(r.server_main_thread_cpu_percent ?? 0).toBeGreaterThan(0);
        expect(r.server_main_thread_cpu_percent!).toBeLessThanOrEqual(r.server_cpu_percent! + 1);
      }
    }
    expect(results.sweep!.trials.map((t) => t.index)).toEqual([0, 1, 2]);
    // The fresh server was warmed, with answers, before the first trial (the base configuration).
    const warm = results.notes.find((n) => n.startsWith('warmed the server before the trials'));
    expect(Number(/, (\d+) of \d+ requests ok/.exec(warm ?? '')?.[1])).toBeGreaterThan(0);

    const starts = events.filter((e) => e.type === 'trial-start');
    const ends = events.filter((e) => e.type === 'trial-end');
    expect(starts.map((e) => e.index)).toEqual([0, 1, 2]);
    expect(ends.map((e) => e.index)).toEqual([0, 1, 2]);
    expect(ends.every((e) => e.total >= 3)).toBe(true);
    expect(ends[2].best).toBeDefined();
    expect(starts[1].etaS).toBeGreaterThan(0);

    // A run with a capacity ends with the chosen configuration measured at 50/80/100% of it.
    expect([0, 1]).toContain(results.exit_code);
    expect(recommendation).toBeDefined();
    if (results.exit_code === 0) {
      expect(results.phases.map((p) => p.name)).toEqual(['at-50pct', 'at-80pct', 'at-100pct']);
      expect(recommendation!.at_load.map((a) => a.share)).toEqual([0.5, 0.8, 1]);
      expect(results.server_config).toMatchObject({ effective_serving: { max_batch_size: recommendation!.config.max_batch_size } });
    }
    for (const name of ['results.json', 'trials.jsonl', 'recommendation.json', 'servebench.yaml', 'config.properties', 'config.pbtxt', 'summary.csv']) {
      expect(existsSync(join(dir, name)), name).toBe(true);
    }
    expect(files).toContain(join(dir, 'config.pbtxt'));
    const onDisk = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults;
    expect(onDisk.sweep!.trials).toHaveLength(3);
    expect(readFileSync(join(dir, 'servebench.yaml'), 'utf8')).toContain(`max_batch_size: ${recommendation!.config.max_batch_size}`);

    // The server is stopped and forgotten.
    expect(existsSync(join(dir, 'server.json'))).toBe(false);
    const origin = (events.find((e) => e.type === 'run-start') as Extract<RunEvent, { type: 'run-start' }>).target;
    await expect(fetch(`${origin}/v2/health/live`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });

  it('tells which knobs cannot be swept on a url target without a management API', async () => {
    let server: RunningServer | undefined;
    try {
      server = await startTestServer({ management: 'false', load_models: 'mlp' });
      const scenario = parseScenario({ model: 'mlp', target: { url: server.url }, phases: [{ kind: 'steady', duration: '1s' }], sweep: SWEEP }, 'url.yaml');
      const spec = parseSweepSection(scenario.sweep, 'url.yaml');
      const { results } = await runTune(scenario, spec, { runId: 'url', dir: join(root, 'url') });
      expect(results.exit_code).toBe(2);
      expect(results.error).toMatch(/has no model management API .* these knobs cannot be swept: max_batch_size \(0, 16\), max_batch_delay_us \(0, 2000\)/);
      expect(results.sweep!.trials).toHaveLength(0);
    } finally {
      await server?.shutdown('test over');
    }
  });
});
