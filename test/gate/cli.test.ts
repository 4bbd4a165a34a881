// `servebench gate` as CI meets it, without running load: --baseline A --current B compares two
// existing files; exit codes, JUnit, markdown and $GITHUB_STEP_SUMMARY; refusals that say what next.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSampleSet } from '../../src/gate/files.ts';
import type { GateOutcome } from '../../src/gate/evaluate.ts';
import { REPO_ROOT } from '../helpers/servers.ts';
import { LAPTOP, sampleSet } from './fixtures.ts';
import { all, parseXml } from './xml.ts';

const exec = promisify(execFile);

async function servebench(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv = { ...process.env, ...env };
  if (!('GITHUB_STEP_SUMMARY' in env)) delete childEnv.GITHUB_STEP_SUMMARY;
  try {
    const { stdout, stderr } = await exec(process.execPath, [`${REPO_ROOT}bin/servebench`, 'gate', ...args], { cwd: REPO_ROOT, env: childEnv, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const BASE = [10_000, 10_400, 9_800, 10_200, 10_100];
let dir: string;
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'servebench-gate-cli-'));
  await writeSampleSet(at('baseline.json'), sampleSet(BASE));
  await writeSampleSet(at('same.json'), sampleSet([10_100, 9_900, 10_300, 10_000, 10_250]));
  await writeSampleSet(at('slower.json'), sampleSet(BASE.map((v) => v * 1.4)));
  await writeSampleSet(at('laptop.json'), sampleSet(BASE, { environment: LAPTOP }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('servebench gate --baseline A --current B', () => {
  it('passes with exit 0 when nothing changed, and writes JUnit, markdown and the GitHub step summary', async () => {
    await writeFile(at('step-summary.md'), '# earlier step\n');
    const result = await servebench(['--baseline', at('baseline.json'), '--current', at('same.json'), '--junit', at('out/gate.xml'), '--markdown', at('out/gate.md')], { GITHUB_STEP_SUMMARY: at('step-summary.md') });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^servebench gate: gate: PASSED: p99 no change/);
    expect(result.stdout).toMatch(/p99 may rise at most 10% +10\.1ms +10\.1ms/);
    expect(result.stdout).toContain('gate passed (exit 0)');
    const junit = parseXml(await readFile(at('out/gate.xml'), 'utf8'));
    expect(all(junit, 'testcase').map((c) => c.attributes.name)).toEqual(['p99 may rise at most 10%']);
    expect(all(junit, 'failure')).toHaveLength(0);
    const markdown = await readFile(at('out/gate.md'), 'utf8');
    expect(markdown).toMatch(/^## ✅ servebench gate: gate/);
    expect(await readFile(at('step-summary.md'), 'utf8')).toBe(`# earlier step\n${markdown}\n`);
  });

  it('fails with exit 1 when p99 regressed, and --json carries the verdict with its numbers', async () => {
    const result = await servebench(['--baseline', at('baseline.json'), '--current', at('slower.json'), '--json']);
    expect(result.code, result.stderr).toBe(1);
    const outcome = JSON.parse(result.stdout) as GateOutcome;
    expect(outcome).toMatchObject({ schema: 'servebench.gate-outcome/v1', passed: false, exit_code: 1, verdict: 'regressed' });
    expect(outcome.rules[0]).toMatchObject({ verdict: 'regressed', baseline: { median: 10_100 }, current: { median: 14_140 } });
    expect(outcome.rules[0].change.estimate).toBeCloseTo(0.4, 6);
  });

  it('warns, in the summary and the markdown, when the baseline was made on another machine', async () => {
    const result = await servebench(['--baseline', at('laptop.json'), '--current', at('same.json'), '--markdown', at('laptop.md')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('! different machine: the baseline was made on "Apple M2" with 8 cores');
    expect(await readFile(at('laptop.md'), 'utf8')).toContain('> different machine: the baseline was made on "Apple M2"');
  });

  it('takes the rules from a scenario when one is given, else from what the current side recorded', async () => {
    const withScenario = await servebench(['scenarios/gate.yaml', '--baseline', at('baseline.json'), '--current', at('same.json'), '--json']);
    expect((JSON.parse(withScenario.stdout) as GateOutcome).config).toMatchObject({ rules: ['p99 may rise at most 10%'], confidence: 0.95 });
    await writeSampleSet(at('recorded.json'), sampleSet([10_100, 9_900, 10_300], { gate: { rules: ['p50 may rise at most 20%'] } }));
    const recorded = await servebench(['--baseline', at('baseline.json'), '--current', at('recorded.json'), '--json']);
    expect((JSON.parse(recorded.stdout) as GateOutcome).config.rules).toEqual(['p50 may rise at most 20%']);
  });

  it('--update-baseline replaces the baseline only when the comparison passed', async () => {
    await writeSampleSet(at('moving.json'), sampleSet(BASE));
    const before = await readFile(at('moving.json'), 'utf8');
    const refused = await servebench(['--baseline', at('moving.json'), '--current', at('slower.json'), '--update-baseline']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/baseline: not updated: a baseline is only written after a passing gate, and this one failed \(regressed: p99/);
    expect(await readFile(at('moving.json'), 'utf8')).toBe(before);
    const accepted = await servebench(['--baseline', at('moving.json'), '--current', at('same.json'), '--update-baseline']);
    expect(accepted.code).toBe(0);
    expect(await readFile(at('moving.json'), 'utf8')).toBe(await readFile(at('same.json'), 'utf8'));
  });
});

describe('servebench gate refusals (exit 2)', () => {
  it('a missing baseline stops before any load, saying to run with --update-baseline', async () => {
    const result = await servebench(['scenarios/gate.yaml', '--baseline', at('missing.json'), '--out', at('never')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/SB_ERR_GATE_NO_BASELINE: baseline .*missing\.json does not exist; run with --update-baseline to create one/);
    await expect(stat(at('never'))).rejects.toThrow();
  });

  it('no --baseline is a usage error that shows an example', async () => {
    const result = await servebench(['scenarios/gate.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('gate needs --baseline FILE, e.g. servebench gate scenarios/gate.yaml --baseline ci/baseline.json');
  });
});
