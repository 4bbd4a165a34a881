// `servebench run --url` as a user meets it, against a running `servebench serve`: one command
// writes the same folder and report as a scenario file does; --print-scenario writes that
// scenario; flag mistakes and an unreachable server exit 2 and say what to do.
import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESULTS_SCHEMA, type RunResults } from '../../src/contract/results.ts';
import { parseScenario, parseScenarioText } from '../../src/scenario/load.ts';
import { runServebench } from '../helpers/cli.ts';
import { REPO_ROOT, spawnServer, type ServerProcess } from '../helpers/servers.ts';


const servebench = (args: string[], cwd: string) => runServebench(args, { cwd, timeoutMs: 100_000 });

let dir: string;
let server: ServerProcess;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'servebench-run-url-'));
  server = await spawnServer([]);
});
afterAll(async () => {
  await server?.kill();
  await rm(dir, { recursive: true, force: true });
});

describe('servebench run --url', () => {
  it('runs --rate 200 for 5s against a running server, exits 0 and writes reports/<run-id>/ with report.html; --print-scenario prints the scenario it ran', { timeout: 120_000 }, async () => {
    const flags = ['--url', server.url, '--model', 'mlp', '--rate', '200', '--duration', '5s'];
    // Run from an empty folder: the default out folder is reports/<run-id>/ under it.
    const result = await servebench(['run', ...flags, '--quiet'], dir);
    expect(result.code, result.stderr).toBe(0);
    const [runFolder] = await readdir(join(dir, 'reports'));
    expect(runFolder).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-mlp$/);
    const out = join(dir, 'reports', runFolder);
    expect(result.stdout).toContain(`servebench: wrote ${out}`);
    await access(join(out, 'report.html'));

    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.schema).toBe(RESULTS_SCHEMA);
    expect(results.exit_code).toBe(0);
    expect(results.scenario_file).toBeUndefined();
    expect(results.phases.map((p) => [p.name, p.counted])).toEqual([['warmup', false], ['open-200', true]]);
    const steady = results.phases[1];
    // The open loop's schedule is fixed: 200/s for 5 s is 1000 requests, each accounted for by one
    // outcome however loaded the machine; most succeed (a loaded machine may cut a tail at the end).
    expect(Object.values(steady.requests.outcomes).reduce((a, b) => a + (b ?? 0), 0)).toBe(1000);
    expect(steady.requests.ok).toBeGreaterThan(500);
    expect(steady.requests.ok).toBe(steady.requests.completed);

    const printed = await servebench(['run', ...flags, '--print-scenario'], dir);
    expect(printed.code, printed.stderr).toBe(0);
    // Outside the package's folder, the editor line names the installed schema by its absolute path.
    expect(printed.stdout.split('\n')[0]).toBe(`# yaml-language-server: $schema=${REPO_ROOT}scenarios/schema.json`);
    const { data } = parseScenarioText(printed.stdout, 'printed.yaml');
    expect(parseScenario(data, 'printed.yaml')).toEqual(results.scenario);
  });

  it('sends --payload FILE (relative to the current folder) with --protocol torchserve', { timeout: 120_000 }, async () => {
    const out = join(dir, 'torchserve');
    const result = await servebench(
      ['run', '--url', server.url, '--model', 'mlp', '--protocol', 'torchserve', '--payload', 'fixtures/payloads/torchserve-mlp.jsonl', '--connections', '2', '--duration', '1s', '--warmup', '0', '--out', out, '--quiet'],
      REPO_ROOT,
    );
    expect(result.code, result.stderr).toBe(0);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.scenario.payload.fixture).toBe(`${REPO_ROOT}fixtures/payloads/torchserve-mlp.jsonl`);
    expect(results.scenario.target).toMatchObject({ kind: 'url', protocol: 'torchserve' });
    expect(results.phases.map((p) => p.name)).toEqual(['closed-2']);
    expect(results.phases[0].requests.ok).toBeGreaterThan(0);
    expect(results.phases[0].requests.ok).toBe(results.phases[0].requests.completed);
  });

  it.each([
    [['scenarios/quick.yaml', '--url', 'http://127.0.0.1:8000', '--model', 'mlp'], 'give a scenario file or --url, not both'],
    [['--url', 'http://127.0.0.1:8000'], '--url needs --model'],
    [['scenarios/quick.yaml', '--rate', '10'], '--rate goes with --url'],
    [['--url', 'http://127.0.0.1:8000', '--model', 'mlp', '--rate', '10', '--connections', '4'], 'not both'],
    [['--url', 'http://127.0.0.1:8000', '--model', 'mlp', '--duration', '5 minutes'], '--duration takes a duration like 30s, 500ms or 2m, got "5 minutes"'],
    [['--url', 'http://127.0.0.1:8000', '--model', 'mlp', '--payload', 'no-such-body.json'], '--payload: cannot read no-such-body.json (ENOENT)'],
  ])('refuses %j before starting anything (exit 2)', async (args, message) => {
    const result = await servebench(['run', ...args], REPO_ROOT);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: servebench run'); // a usage error shows the help
  });

  it('exits 2 when nothing answers at the url, saying so', { timeout: 60_000 }, async () => {
    const result = await servebench(['run', '--url', 'http://127.0.0.1:9', '--model', 'mlp', '--ready-timeout', '1s', '--out', join(dir, 'unreachable'), '--quiet'], dir);
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toContain('http://127.0.0.1:9/v2/health/ready did not answer 200 within 1000 ms: is the server up');
  });
});
