// A soak killed with SIGKILL (no chance to clean up) still yields its results from the folder,
// its embedded server does not outlive it, and --resume continues it to the planned duration.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/contract/results.ts';
import { loadSoakFolder } from '../../src/soak/folder.ts';
import type { SoakMeta } from '../../src/soak/journal.ts';
import { MODELS_DIR, REPO_ROOT } from '../helpers/servers.ts';

let dir: string;
const pids: number[] = [];

/** Alive and not a zombie (an orphan's zombie may wait for a reaper that never comes in a container). */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls (no event crosses processes) until `check` holds or `timeoutMs` passes. */
async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

async function sampleLines(journal: string): Promise<number> {
  try {
    if ((await stat(journal)).size === 0) return 0;
    return (await readFile(journal, 'utf8')).split('\n').filter((l) => l.startsWith('{"type":"sample"')).length;
  } catch {
    return 0;
  }
}

function servebench(args: string[]) {
  const child = spawn(process.execPath, [`${REPO_ROOT}bin/servebench`, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  pids.push(child.pid!);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as string | null }));
  return { child, exited, output: () => output };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'servebench-soak-kill-'));
  await writeFile(join(dir, 'soak.yaml'), [
    'name: killed',
    `target: { kind: embedded, models_dir: ${JSON.stringify(MODELS_DIR)}, server: { workers: 1, log_level: warn } }`,
    'model: mlp',
    'phases: [{ kind: steady, duration: 1s, rate: 10 }]',
    'soak: { duration: 12s, rate: 50, interval: 1s, warmup: 2s, thresholds: [rss_slope < 2GB/h, p99_drift < 1000%] }',
  ].join('\n'));
});

afterAll(async () => {
  // Whatever failed above, nothing this test started survives it.
  const meta = await readFile(join(dir, 'out', 'soak-meta.json'), 'utf8').then((t) => JSON.parse(t) as SoakMeta, () => undefined);
  for (const pid of [...pids, ...(meta?.server_pid ? [meta.server_pid] : [])]) {
    if (await alive(pid)) process.kill(pid, 'SIGKILL');
  }
  await rm(dir, { recursive: true, force: true });
});

describe('a killed soak', () => {
  it('leaves its samples readable, takes its server down with it, and resumes to the planned duration', async () => {
    const out = join(dir, 'out');
    const soak = servebench(['soak', join(dir, 'soak.yaml'), '--out', out, '--quiet']);
    const reached = await until(async () => (await sampleLines(join(out, 'soak.jsonl'))) >= 3 || soak.child.exitCode !== null, 90_000);
    expect(reached && soak.child.exitCode === null, soak.output()).toBe(true);
    soak.child.kill('SIGKILL');
    expect((await soak.exited).signal).toBe('SIGKILL');

    // The leash: the server notices its harness is gone and stops, no orphan left running.
    const meta = JSON.parse(await readFile(join(out, 'soak-meta.json'), 'utf8')) as SoakMeta;
    expect(meta.server_pid).toBeGreaterThan(0);
    expect(await until(async () => !(await alive(meta.server_pid!)), 20_000)).toBe(true);

    // Reported from the partial data: the samples taken, not completed.
    const taken = await sampleLines(join(out, 'soak.jsonl'));
    const partial = await loadSoakFolder(out);
    expect(partial.soak!.completed).toBe(false);
    expect(partial.soak!.samples).toHaveLength(taken);
    expect(taken).toBeGreaterThanOrEqual(3);
    expect(partial.exit_code).toBe(2);
    expect(partial.error).toContain('without a final record');
    const heldBefore = partial.soak!.duration_s;

    // Resumed: a new segment, appended to the same journal, for the load still owed.
    const resumed = servebench(['soak', '--resume', out, '--quiet']);
    const { code } = await resumed.exited;
    expect([0, 1], resumed.output()).toContain(code);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    const soakResults = results.soak!;
    expect(soakResults.completed).toBe(true);
    expect(soakResults.duration_s).toBeGreaterThanOrEqual(12 - 1);
    const segments = soakResults.samples.map((s) => (s as { segment?: number }).segment);
    expect(segments.slice(0, taken).every((s) => s === 0)).toBe(true);
    expect(segments.at(-1)).toBe(1);
    expect(soakResults.samples.length).toBeGreaterThan(taken);
    // Time keeps counting from the first start: the first resumed sample comes after the last killed one.
    expect(soakResults.samples[taken].t).toBeGreaterThan(soakResults.samples[taken - 1].t);
    expect(soakResults.samples.at(-1)!.t).toBeGreaterThan(heldBefore);
    expect(results.notes.join('\n')).toContain('resumed 1 time(s)');
    expect(await readFile(join(out, 'timeseries.csv'), 'utf8')).toContain('soak');
  }, 180_000);
});
