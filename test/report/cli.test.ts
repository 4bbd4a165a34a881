// `servebench report` re-renders a run folder from results.json alone, compares two runs, and
// says clearly what is missing; the run folder writer produces the same derived files.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import report from '../../src/cli/report.ts';
import { loadSoakFolder } from '../../src/soak/folder.ts';
import { loadRun, parseResults } from '../../src/report/readResults.ts';
import { writeRunFolder } from '../../src/report/writeRun.ts';
import { fixture, fixturePath } from './helpers.ts';

const exec = promisify(execFile);
const BIN = new URL('../../bin/servebench', import.meta.url).pathname;

async function servebench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { timeout: 50_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const reportCommand = (argv: string[]) => report.run(argv);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'servebench-report-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('servebench report <run>', () => {
  it('re-renders report.html and the CSVs next to results.json, leaving results.json as it was', async () => {
    const runDir = join(dir, 'run');
    await mkdir(runDir);
    await copyFile(fixturePath('sweep'), join(runDir, 'results.json'));
    const before = await readFile(join(runDir, 'results.json'), 'utf8');
    const { code, stdout, stderr } = await servebench('report', runDir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(join(runDir, 'report.html'));
    expect((await readdir(runDir)).sort()).toEqual(['report.html', 'results.json', 'summary.csv', 'timeseries.csv', 'trials.csv']);
    expect(await readFile(join(runDir, 'results.json'), 'utf8')).toBe(before);
    expect(await readFile(join(runDir, 'report.html'), 'utf8')).toContain('id="chart-sweep-capacity"');
  }, 60_000);

  it('exits 2 with one line naming the folder when there is no results.json', async () => {
    const { code, stderr } = await servebench('report', dir);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(`servebench report: SB_ERR_RESULTS_NOT_FOUND: no results.json in ${dir}; give a folder written by servebench run, tune or soak`);
  }, 60_000);

  it('writes a results.json file\'s report into --out', async () => {
    const out = join(dir, 'out');
    expect(await reportCommand([fixturePath('shutdown'), '--out', out])).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['report.html', 'summary.csv', 'timeseries.csv']);
  });

  it('puts two runs side by side in one report.html', async () => {
    const out = join(dir, 'cmp');
    expect(await reportCommand([fixturePath('quick'), fixturePath('shutdown'), '--out', out])).toBe(0);
    expect(await readdir(out)).toEqual(['report.html']);
    const page = await readFile(join(out, 'report.html'), 'utf8');
    expect(page).toContain('compare quick vs shutdown');
    expect(page).toContain('id="chart-compare-percentiles"');
  });

  it('refuses a third run and a missing argument with usage errors', async () => {
    await expect(reportCommand([])).rejects.toThrow(/needs a run folder/);
    await expect(reportCommand(['a', 'b', 'c'])).rejects.toThrow(/one or two runs, got also: c/);
  });
});

describe('reading a run back', () => {
  it('hands a folder with soak.jsonl and no results.json to the soak loader', async () => {
    await writeFile(join(dir, 'soak.jsonl'), '');
    const rebuilt = fixture('soak');
    let asked: string | undefined;
    const loaded = await loadRun(dir, {
      loadSoakFolder: async (d) => {
        asked = d;
        return rebuilt;
      },
    });
    expect(asked).toBe(dir);
    expect(loaded).toEqual({ results: rebuilt, dir });
  });

  it('with the soak loader, a folder without soak-meta.json gets its error', async () => {
    await writeFile(join(dir, 'soak.jsonl'), '');
    await expect(loadRun(dir, { loadSoakFolder })).rejects.toMatchObject({ code: 'SB_ERR_SOAK_FOLDER' });
  });

  it('names the file and the field when results.json is not one', () => {
    expect(() => parseResults('{', 'x/results.json')).toThrow(/^x\/results\.json: not JSON/);
    expect(() => parseResults('{"schema":"other/v9"}', 'r.json')).toThrow('r.json: schema is "other/v9", expected "servebench.results/v1"');
    const broken = { ...fixture('quick'), phases: 'none' };
    expect(() => parseResults(JSON.stringify(broken), 'r.json')).toThrow('r.json: phases: expected an array, got string');
  });
});

describe('writeRunFolder', () => {
  it('writes results.json, then the CSVs and report.html; trials.csv only for a sweep', async () => {
    const files = await writeRunFolder(dir, fixture('shutdown'));
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['results.json', 'summary.csv', 'timeseries.csv', 'report.html']);
    expect(JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'))).toEqual(fixture('shutdown'));
    await writeRunFolder(dir, fixture('sweep'));
    expect(existsSync(join(dir, 'trials.csv'))).toBe(true);
    // Re-writing the folder as a plain run drops the now-stale trials.csv.
    await writeRunFolder(dir, fixture('shutdown'));
    expect(existsSync(join(dir, 'trials.csv'))).toBe(false);
  });
});
