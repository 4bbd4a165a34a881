// The harness's error table: each code once and apart from the server's, each one thrown somewhere,
// docs/errors.md generated from it, and the CLI ending each error with the table's exit code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderErrorDocs } from '../../src/cli/errorDocs.ts';
import { ERROR_TABLE, errorEntry, isServebenchError, ServebenchError } from '../../src/contract/errors.ts';
import { ScenarioError } from '../../src/scenario/errors.ts';
import { ERROR_STATUS } from '../../src/server/errors.ts';
import { runServebench } from '../helpers/cli.ts';
import { REPO_ROOT } from '../helpers/servers.ts';

const codes = ERROR_TABLE.map((e) => e.code);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : file.endsWith('.ts') || file.endsWith('.tsx') ? [file] : [];
  });
}

describe('the error table', () => {
  it('holds each code once, none of them a server code', () => {
    const repeated = codes.filter((c, i) => codes.indexOf(c) !== i);
    expect(repeated).toEqual([]);
    expect(codes.filter((c) => c in ERROR_STATUS)).toEqual([]);
  });

  it('gives each code an SB_ERR_ name, an exit code of 1 or 2 and a one-line meaning', () => {
    for (const e of ERROR_TABLE) {
      expect(e.code, e.code).toMatch(/^SB_ERR_[A-Z0-9_]+$/);
      expect([1, 2], e.code).toContain(e.exit);
      expect(e.meaning, e.code).toMatch(/^[^\n]{10,200}$/);
    }
  });

  it('holds every code the harness names, and no code it never names', () => {
    const harness = sourceFiles(path.join(REPO_ROOT, 'src')).filter((f) => !f.includes(`${path.sep}server${path.sep}`) && !f.endsWith(path.join('contract', 'errors.ts')));
    const named = new Set(harness.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/SB_ERR_[A-Z0-9_]+/g)].map((m) => m[0])));
    expect([...named].filter((c) => errorEntry(c) === undefined && !(c in ERROR_STATUS)).sort()).toEqual([]);
    expect(codes.filter((c) => !named.has(c))).toEqual([]);
  });

  it('gives an error its exit code from the table, and ScenarioError the scenario code', () => {
    const err = new ServebenchError('SB_ERR_GATE_INPUT', 'x', { cause: new Error('inner'), details: { line: 3 } });
    expect(err).toMatchObject({ code: 'SB_ERR_GATE_INPUT', exitCode: 2, message: 'x', details: { line: 3 } });
    expect((err.cause as Error).message).toBe('inner');
    expect(isServebenchError(err, 'SB_ERR_GATE_INPUT', 'SB_ERR_GATE_REPEAT')).toBe(true);
    expect(isServebenchError(err, 'SB_ERR_GATE_REPEAT')).toBe(false);
    expect(isServebenchError(Object.assign(new Error('x'), { code: 'SB_ERR_GATE_INPUT' }))).toBe(false);
    const scenario = new ScenarioError('a.yaml', [{ path: 'rate', message: 'expected a number' }]);
    expect(isServebenchError(scenario, 'SB_ERR_SCENARIO')).toBe(true);
    expect(scenario.exitCode).toBe(2);
  });
});

describe('docs/errors.md', () => {
  it('is what `npm run error-docs` writes from the table', () => {
    const committed = readFileSync(path.join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
    expect(committed, 'docs/errors.md is stale: run npm run error-docs').toBe(renderErrorDocs());
    for (const code of codes) expect(committed).toContain(`| \`${code}\` | ${errorEntry(code)!.exit} |`);
  });
});

// Exit codes and lines as the CLI printed them before the table: 2 and one line saying why.
describe('the CLI ends an error as the table says', { timeout: 60_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'servebench-errors-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a usage mistake: exit 2, the message, then the usage line', async () => {
    const { code, stderr } = await runServebench(['report', '--jsno']);
    expect(code).toBe(errorEntry('SB_ERR_USAGE')!.exit);
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe('servebench report: unknown flag --jsno; see --help');
    expect(lines[1]).toMatch(/^Usage: servebench report /);
  });

  it('a bad scenario: exit 2, its problems without a code', async () => {
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, 'model: mlp\nphases:\n  - kind: steady\n    duration: 5\n    rate: 0\n');
    const { code, stderr } = await runServebench(['run', file]);
    expect(code).toBe(errorEntry('SB_ERR_SCENARIO')!.exit);
    expect(code).toBe(2);
    expect(stderr).toBe(`servebench run: ${file}: invalid scenario (1 problem):\n  phases[0].rate: expected a positive number, got 0 (line 5, column 5)\n`);
  });

  it('a missing results folder or soak folder: exit 2, the code and the message', async () => {
    const missing = path.join(dir, 'nothing');
    const report = await runServebench(['report', missing]);
    expect(report.code).toBe(errorEntry('SB_ERR_RESULTS_NOT_FOUND')!.exit);
    expect(report).toMatchObject({ code: 2, stderr: `servebench report: SB_ERR_RESULTS_NOT_FOUND: ${missing} does not exist; give a run folder (reports/<run-id>) or its results.json\n` });
    const soak = await runServebench(['soak', '--resume', missing]);
    expect(soak.code).toBe(errorEntry('SB_ERR_SOAK_FOLDER')!.exit);
    expect(soak.code).toBe(2);
    expect(soak.stderr).toMatch(/^servebench soak: SB_ERR_SOAK_FOLDER: .*soak-meta\.json not found: not a soak folder/);
  });
});
