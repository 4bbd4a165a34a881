// `servebench soak --json`, as `run --json` does: the summary as JSON on stdout (nothing else
// there), with the soak's verdicts, while the run folder holds the samples.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/contract/results.ts';
import { runServebench } from '../helpers/cli.ts';
import { spawnServer, type ServerProcess } from '../helpers/servers.ts';

let dir: string;
let server: ServerProcess;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'servebench-soak-json-'));
  server = await spawnServer([]);
});
afterAll(async () => {
  await server?.kill();
  await rm(dir, { recursive: true, force: true });
});

describe('servebench soak --json', () => {
  it('prints the summary as JSON with the soak verdicts and exits with its exit code', { timeout: 120_000 }, async () => {
    const scenario = join(dir, 'soak.yaml');
    await writeFile(scenario, `model: mlp\ntarget:\n  kind: url\n  url: ${server.url}\nphases:\n  - kind: steady\n    duration: 1s\n    rate: 20\n`);
    const out = join(dir, 'out');
    const result = await runServebench(['soak', scenario, '--duration', '3s', '--rate', '20', '--interval', '1s', '--warmup', '0s', '--out', out, '--json', '--quiet'], { cwd: dir, timeoutMs: 100_000 });
    expect([0, 1], result.stderr).toContain(result.code);
    const printed = JSON.parse(result.stdout) as { run_id: string; out: string; exit_code: number; phases: { name: string }[]; soak: { completed: boolean; sample_count: number; leak: { verdict: string }; samples?: unknown } };
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(printed).toMatchObject({ run_id: results.run_id, out, exit_code: result.code });
    expect(printed.phases.map((p) => p.name)).toEqual(results.phases.map((p) => p.name));
    expect(printed.soak).toMatchObject({ completed: true, sample_count: results.soak!.samples.length, leak: { verdict: results.soak!.leak.verdict } });
    expect(printed.soak.sample_count).toBeGreaterThan(0);
    expect(printed.soak.samples).toBeUndefined();
  });
});
