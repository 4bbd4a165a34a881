// `servebench run` as a user meets it: the main job writes its folder and prints its summary;
// a bad scenario is refused before anything starts, naming the field; exit codes say which.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUMMARY_COLUMNS, TIMESERIES_COLUMNS } from '../../src/report/csv.ts';
import { RESULTS_SCHEMA, type RunResults } from '../../src/contract/results.ts';
import { runServebench } from '../helpers/cli.ts';
import { REPO_ROOT } from '../helpers/servers.ts';

const servebench = (args: string[]) => runServebench(args, { timeoutMs: 170_000 });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'servebench-run-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('servebench run', () => {
  it('runs the main job (scenarios/quick) and writes results.json, summary.csv and timeseries.csv', { timeout: 180_000 }, async () => {
    const out = join(dir, 'quick');
    const result = await servebench(['run', 'scenarios/quick.yaml', '--out', out]);
    // 0 or 1: thresholds may fail on a loaded machine; 2 would mean the run itself failed.
    expect([0, 1], result.stderr).toContain(result.code);
    expect(result.stdout).toContain('closed-8');
    expect(result.stdout).toContain('thresholds:');

    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.schema).toBe(RESULTS_SCHEMA);
    expect(results.exit_code).toBe(result.code);
    expect(results.phases.map((p) => [p.name, p.counted])).toEqual([['warmup', false], ['closed-8', true], ['open-500', true]]);
    expect(results.phases[1].requests.ok).toBeGreaterThan(1000);
    expect(results.phases[1].latency_us.p50).toBeGreaterThan(0);
    expect(results.server_config).toMatchObject({ effective_serving: { max_batch_size: 16 } });
    expect(results.phases[1].server?.batch_size_mean).toBeGreaterThan(1);
    expect(results.environment.cores).toBeGreaterThan(0);
    expect(results.system.some((s) => (s.server_rss_bytes ?? 0) > 0)).toBe(true);
    expect(results.timeseries.length).toBeGreaterThan(25);

    const summary = (await readFile(join(out, 'summary.csv'), 'utf8')).split('\n');
    expect(summary[0]).toBe(SUMMARY_COLUMNS.join(','));
    expect(summary.filter(Boolean)).toHaveLength(4);
    const timeseries = (await readFile(join(out, 'timeseries.csv'), 'utf8')).split('\n');
    expect(timeseries[0]).toBe(TIMESERIES_COLUMNS.join(','));
  });

  it('refuses a bad scenario before starting anything, naming the field (exit 2)', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'model: mlp\nphases:\n  - kind: steady\n    duration: 5s\n    rate: fast\n');
    const result = await servebench(['run', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('phases[0].rate');
    expect(result.stderr).toContain('"fast"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 when a threshold fails, and says which', { timeout: 120_000 }, async () => {
    const file = join(dir, 'strict.yaml');
    await writeFile(file, 'model: mlp\nphases:\n  - kind: steady\n    duration: 2s\n    rate: 50\nthresholds:\n  - p50 < 1us\n');
    const result = await servebench(['run', file, '--out', join(dir, 'strict')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL \[\*\] p50 = .*limit < 1µs|FAIL \[\*\] p50 = .*limit < 1us/);
  });

  it('exits 2 when the target cannot be reached', async () => {
    const file = join(dir, 'unreachable.yaml');
    await writeFile(file, 'model: mlp\ntarget:\n  kind: url\n  url: http://127.0.0.1:9\n  ready_timeout: 1s\nphases:\n  - kind: steady\n    duration: 1s\n    rate: 10\n');
    const result = await servebench(['run', file, '--out', join(dir, 'unreachable')]);
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toContain('did not answer 200');
  });
});
