// The command target for real: a server launched from its command line with fresh ports, waited
// for, run through a shutdown phase, and always stopped with everything it spawned.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readProcessUsage } from '../../src/measure/processUsage.ts';
import { SystemSampler } from '../../src/measure/systemSampler.ts';
import { isRunning } from '../../src/runner/orphan.ts';
import { runScenario } from '../../src/runner/run.ts';
import { startTarget } from '../../src/runner/target.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { MODELS_DIR, REPO_ROOT } from '../helpers/servers.ts';

const FORKING_SERVER = `${REPO_ROOT}test/helpers/launched/forkingServer.mjs`;
const scenarioWith = (target: object, phases: object[] = [{ kind: 'steady', duration: '1s', rate: 10 }]) => parseScenario({ model: 'mlp', target, phases }, 'command.yaml', { baseDir: REPO_ROOT });

/** Polls (a process that is not our child gives no exit event) until the PID is gone or 5 s pass. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && (await isRunning(pid)); i++) await new Promise((r) => setTimeout(r, 50));
  return !(await isRunning(pid));
}

const pidsIn = (line: string | undefined) => (/^pids (\d+) (\d+) tmp ?(.*)$/.exec(line ?? '') ?? []).slice(1);

describe('command target', { timeout: 120_000 }, () => {
  it('runs servebench serve from its command line through load and a SIGTERM', async () => {
    const scenario = scenarioWith(
      { command: [process.execPath, 'bin/servebench', 'serve', '--port', '{port}', '--models', MODELS_DIR, '--load-models', '{model}', '--drain-timeout-ms', '5000'], cwd: '.' },
      [
        { kind: 'steady', name: 'closed', duration: '2s', connections: 2 },
        { kind: 'shutdown', duration: '3s', rate: 50, signal_at: '1s', drain_deadline: '5s' },
      ],
    );
    const results = await runScenario(scenario, { runId: 'test-command' });
    expect(results.error).toBeUndefined();
    expect(results.target.kind).toBe('command');
    expect(results.target.startup_ms).toHaveLength(1);
    expect(results.target.startup_ms!.every((ms) => ms > 0 && ms < 60_000)).toBe(true);
    const verdict = results.verdicts.find((v) => v.kind === 'shutdown')!;
    expect(verdict.passed, verdict.summary).toBe(true);
    expect((verdict.details as { exit_code: number }).exit_code).toBe(0);
    expect(results.phases.find((p) => p.name === 'closed')!.server?.requests_by_code?.['200']).toBeGreaterThan(0);
    expect(results.system.some((s) => (s.server_cpu_percent ?? 0) > 0)).toBe(true);
    // The port of the last start answers nothing now: the server was stopped.
    await expect(fetch(`${results.target.url}/v2/health/live`)).rejects.toThrow();
  });

  it('stops the server and the processes it spawned, and removes its {tmp} folder', async () => {
    const target = await startTarget(scenarioWith({ command: [process.execPath, FORKING_SERVER, '{port}'], env: { SCRATCH: '{tmp}' } }));
    let exit: Awaited<ReturnType<typeof target.stop>>;
    const [serverPid, helperPid, tmp] = pidsIn(target.server!.recentLogs().find((l) => l.startsWith('pids')));
    try {
      expect(Number(serverPid)).toBe(target.pid);
      expect(existsSync(tmp!)).toBe(true);
      expect(await isRunning(Number(helperPid))).toBe(true);
    } finally {
      exit = await target.stop();
    }
    expect(exit?.code).toBe(0);
    expect(await gone(Number(helperPid))).toBe(true);
    expect(existsSync(tmp!)).toBe(false);
  });

  it('samples the server with its child processes', async () => {
    const scenario = scenarioWith({ command: [process.execPath, FORKING_SERVER, '{port}'] });
    const notes: string[] = [];
    const target = await startTarget(scenario);
    try {
      const sampler = new SystemSampler({ runStartUs: performance.now() * 1000, intervalMs: 1000, serverPid: target.pid, onNote: (n) => notes.push(n) });
      const tree = await sampler.sampleOnce();
      expect(notes).toContain('server CPU and RSS are summed over the server process and its child processes');
      // The helper is a process of its own: the tree holds more than the server alone.
      const [, helperPid] = pidsIn(target.server!.recentLogs().find((l) => l.startsWith('pids')));
      const own = (await readProcessUsage(target.pid!))!.rssBytes;
      const helper = (await readProcessUsage(Number(helperPid)))!.rssBytes;
      expect(tree.server_rss_bytes).toBeGreaterThanOrEqual(own + helper * 0.5);
    } finally {
      await target.stop();
    }
  });

  it('says why when the command exits before it is ready, with its last output', async () => {
    const scenario = scenarioWith({ command: [process.execPath, '-e', 'console.error("model file missing: /m/model.onnx"); process.exit(3)'], url: 'http://127.0.0.1:{port}', env: { UNUSED: '{port}' } });
    await expect(startTarget(scenario)).rejects.toThrow(/exited \(code 3\) before http:\/\/127\.0\.0\.1:\d+\/v2\/models\/mlp\/ready answered 200; its last output:\n {2}model file missing: \/m\/model\.onnx/);
  });

  it('says why when the command does not exist', async () => {
    await expect(startTarget(scenarioWith({ command: './no-such-server --port {port}' }))).rejects.toThrow(/cannot run "\.\/no-such-server" in .*: no such file or command/);
  });

  it('gives up at the ready timeout and stops what it started', async () => {
    const scenario = scenarioWith({ command: [process.execPath, FORKING_SERVER, '{port}'], ready_path: '/never', ready_timeout: '4s' });
    const error = await startTarget(scenario).catch((err: Error) => err);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/\/never did not answer 200 within 4000 ms/);
    const [, helperPid] = pidsIn(/pids .*/.exec((error as Error).message)?.[0]);
    expect(Number(helperPid)).toBeGreaterThan(0);
    expect(await gone(Number(helperPid))).toBe(true);
  });

  it('does not outlive a harness that crashes', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', `${REPO_ROOT}test/helpers/launched/startAndCrash.ts`, FORKING_SERVER], { cwd: REPO_ROOT }).catch((err: { stdout: string; code: number }) => {
      expect(err.code).toBe(1);
      return err;
    });
    const [serverPid, helperPid] = pidsIn(stdout.trim().split('\n').find((l) => l.startsWith('pids')));
    expect(Number(serverPid)).toBeGreaterThan(0);
    expect(Number(helperPid)).toBeGreaterThan(0);
    expect(await gone(Number(serverPid))).toBe(true);
    expect(await gone(Number(helperPid))).toBe(true);
  });
});
