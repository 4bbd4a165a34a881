// The agents as a user runs them: `run --agents 3` against the embedded server, agents started
// by hand with one killed mid-run (a real SIGKILL) and merged, and bad --shard/--start-at refused.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/contract/results.ts';
import type { RunningServer } from '../../src/server/server.ts';
import { runServebench } from '../helpers/cli.ts';
import { REPO_ROOT, startTestServer } from '../helpers/servers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'servebench-agents-'));
const readResults = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunResults;

function scenarioFile(name: string, target: string, phases: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\n${target}model: mlp\nphases:\n${phases}thresholds:\n  - p99 < 5s\n`);
  return file;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('servebench run --agents 3', () => {
  it('splits an open loop over 3 agent processes that start together and add up to the asked rate', async () => {
    const file = scenarioFile(
      'agents-open',
      'target:\n  kind: embedded\n  server:\n    workers: 1\n    max_batch_size: 16\n    max_batch_delay_us: 1000\n',
      '  - kind: warmup\n    duration: 1s\n    connections: 3\n  - kind: steady\n    name: open-300\n    duration: 4s\n    rate: 300\n',
    );
    const out = path.join(dir, 'run3');
    const result = await runServebench(['run', file, '--agents', '3', '--start-lead', '20s', '--out', out, '--json'], { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    const merged = readResults(path.join(out, 'results.json'));
    const agents = [0, 1, 2].map((i) => readResults(path.join(out, 'agents', String(i), 'results.json')));
    expect(agents.map((a) => a.agent!.index)).toEqual([0, 1, 2]);
    // Total requests are the agents' sum, phase by phase and in the totals.
    expect(merged.totals.requests).toBe(agents.reduce((a, r) => a + r.totals.requests, 0));
    const open = merged.phases.find((p) => p.name === 'open-300')!;
    expect(open.requests.sent).toBe(agents.reduce((a, r) => a + r.phases.find((p) => p.name === 'open-300')!.requests.sent, 0));
    expect(open.load.rate).toBe(300);
    expect(agents.map((a) => a.phases[1].load.rate)).toEqual([100, 100, 100]);
    // The achieved total rate, measured by each agent over its own schedule and added.
    expect(Math.abs(open.send_rate! - 300) / 300).toBeLessThan(0.02);
    expect(merged.agents!.start_spread_ms).not.toBeNull();
    expect(merged.agents!.start_spread_ms!, `start lags ${JSON.stringify(merged.agents!.agents.map((a) => a.start_lag_ms))} ms`).toBeLessThan(50);
    expect(merged.agents!.agents.every((a) => a.status === 'ok' && a.clock?.source === 'target-http-date')).toBe(true);
    const report = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(report).toContain('id="agents"');
    expect(report).toMatch(/3 agents/);
    expect(JSON.parse(result.stdout).agents.count).toBe(3);
  }, 150_000);
});

describe('servebench agent and merge', () => {
  let server: RunningServer;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    server = await startTestServer({ max_batch_size: '8', max_batch_delay_us: '500' });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await server?.shutdown('test over');
  });

  function startAgent(file: string, shard: string, startAt: string, out: string): { child: ChildProcess; started: Promise<string>; exited: Promise<unknown[]> } {
    const child = spawn(process.execPath, [`${REPO_ROOT}bin/servebench`, 'agent', file, '--shard', shard, '--start-at', startAt, '--out', out, '--target-url', server.url, '--quiet'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const exited = once(child, 'exit');
    const started = new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.includes(': started ')) resolve(line);
      });
      exited.then(() => reject(new Error(`agent ${shard} exited before starting`)));
    });
    return { child, started, exited };
  }

  it('a SIGKILLed agent is reported missing by the merge, the run incomplete (exit 2), the other agent kept', async () => {
    const file = scenarioFile('agents-kill', 'target:\n  kind: url\n  url: http://127.0.0.1:9\n', '  - kind: steady\n    name: open\n    duration: 5s\n    rate: 100\n');
    const startAt = new Date(Date.now() + 15_000).toISOString();
    const a0 = startAgent(file, '0/2', startAt, path.join(dir, 'kill', '0'));
    const a1 = startAgent(file, '1/2', startAt, path.join(dir, 'kill', '1'));
    expect(await a1.started).toMatch(/agent 1\/2: started/);
    a1.child.kill('SIGKILL');
    const [, signal] = await a1.exited;
    expect(signal).toBe('SIGKILL');
    const [code] = await a0.exited;
    expect(code).toBe(0);
    expect(existsSync(path.join(dir, 'kill', '1', 'results.json'))).toBe(false);

    const out = path.join(dir, 'kill', 'merged');
    const merged = await runServebench(['merge', path.join(dir, 'kill', '0'), path.join(dir, 'kill', '1'), '--out', out, '--json']);
    expect(merged.code).toBe(2);
    const summary = JSON.parse(merged.stdout);
    expect(summary.agents.complete).toBe(false);
    expect(summary.agents.agents[1]).toMatchObject({ index: 1, status: 'missing' });
    expect(summary.error).toMatch(/agent 1 missing/);
    const kept = readResults(path.join(dir, 'kill', '0', 'results.json'));
    expect(summary.totals.requests).toBe(kept.totals.requests);
    expect(kept.totals.requests).toBe(250);
    expect(readResults(path.join(out, 'agents', '0', 'results.json')).totals.requests).toBe(250);
    expect(readResults(path.join(out, 'results.json')).exit_code).toBe(2);
  }, 90_000);

  it.each([
    [['--shard', '0/0'], /--shard 0\/0: N is the number of agents/],
    [['--shard', '3/3'], /--shard 3\/3: agent index 3 is out of range/],
    [['--shard', 'a/b'], /--shard "a\/b": expected I\/N/],
    [['--shard', '1/0'], /--shard 1\/0: N is the number of agents/],
    [['--start-at', 'soon'], /--start-at "soon": not a time/],
    [['--start-at', '2020-01-01T00:00:00Z'], /--start-at 2020-01-01T00:00:00Z: \d+ s in the past/],
  ])('refuses %j with exit 2 and one line', async (bad, message) => {
    const given = Object.fromEntries([['--shard', '0/1'], ['--start-at', new Date(Date.now() + 60_000).toISOString()], [bad[0], bad[1]]]);
    const result = await runServebench(['agent', 'scenarios/quick.yaml', ...Object.entries(given).flat(), '--out', path.join(dir, 'never')]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(existsSync(path.join(dir, 'never'))).toBe(false);
  });
});
