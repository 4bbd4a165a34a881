// A tuning run killed with SIGKILL right after its first trial reached trials.jsonl: its leash stops
// the embedded server the killed run left behind, the resumed run does not redo the finished trial,
// and ends with every trial in its results.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/contract/results.ts';
import { isRunning } from '../../src/runner/orphan.ts';
import { descendantsOf } from '../../src/measure/processTree.ts';
import { REPO_ROOT } from '../helpers/servers.ts';

const root = mkdtempSync(join(tmpdir(), 'sb-resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SCENARIO = `name: resume-test
model: mlp
phases:
  - kind: steady
    duration: 1s
sweep:
  strategy: grid
  knobs:
    max_batch_size: [0, 16]
  slo: [p99 < 250ms, error_rate < 5%]
  step: 0.4s
  warmup: 0s
  start_rate: 100
  max_steps: 3
  precision: 50%
  repeats: 1
`;

function tune(args: string[]): { child: ChildProcess; stderrLines: string[]; stdout: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [`${REPO_ROOT}bin/servebench`, 'tune', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderrLines: string[] = [];
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  createInterface({ input: child.stderr! }).on('line', (line) => stderrLines.push(line));
  return { child, stderrLines, stdout: () => out, exited: once(child, 'exit').then(([code]) => code as number | null) };
}

function killByPid(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The embedded server a tune started: the descendant running `servebench serve`. */
async function serverOf(pid: number): Promise<number | undefined> {
  for (const child of await descendantsOf(pid)) {
    const cmdline = await readFile(`/proc/${child}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes('serve')) return child;
  }
  return undefined;
}

/** Polls (a process that is not our child gives no exit event) until the PID is gone or 10 s pass. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && (await isRunning(pid)); i++) await new Promise((r) => setTimeout(r, 50));
  return !(await isRunning(pid));
}

describe('servebench tune --resume after kill -9', () => {
  it('keeps the finished trial, does not redo it, leaves no orphaned server and finishes with every trial', async () => {
    const file = join(root, 'resume.yaml');
    writeFileSync(file, SCENARIO);
    const dir = join(root, 'run');
    const first = tune([file, '--out', dir]);
    let orphan: number | undefined;
    let second: ReturnType<typeof tune> | undefined;
    try {
      // The progress line of a trial's end is printed after the trial is on disk.
      await new Promise<void>((resolve, reject) => {
        const lines = createInterface({ input: first.child.stderr! });
        lines.on('line', (line) => {
          if (/^trial 1\/\d+ done/.test(line)) resolve();
        });
        first.exited.then((code) => reject(new Error(`tune exited (${code}) before its first trial ended:\n${first.stderrLines.join('\n')}`)));
      });
      orphan = await serverOf(first.child.pid!);
      expect(orphan).toBeGreaterThan(0);
      first.child.kill('SIGKILL');
      await first.exited;
      // SIGKILL gave the run no chance to stop it: its leash does.
      expect(await gone(orphan!)).toBe(true);

      const linesAfterKill = readFileSync(join(dir, 'trials.jsonl'), 'utf8').split('\n').filter(Boolean);
      expect(linesAfterKill).toHaveLength(1);

      second = tune([file, '--resume', dir, '--json']);
      const code = await second.exited;
      expect([0, 1], second.stderrLines.join('\n')).toContain(code);

      // Trial 1 was not run again: the resumed run started at trial 2, and the first line is untouched.
      expect(second.stderrLines.some((l) => /^trial 1\//.test(l))).toBe(false);
      expect(second.stderrLines.some((l) => /^trial 2\/\d+:/.test(l))).toBe(true);
      const lines = readFileSync(join(dir, 'trials.jsonl'), 'utf8').split('\n').filter(Boolean);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe(linesAfterKill[0]);

      const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults;
      expect(results.sweep!.trials.map((t) => [t.index, t.config.max_batch_size])).toEqual([[0, 0], [1, 16]]);
      expect(results.sweep!.trials[0].capacity_rps).toBe(JSON.parse(linesAfterKill[0]).capacity_rps || null);
      expect(results.notes.join('\n')).toMatch(/resumed with 1 finished trial/);
      const printed = JSON.parse(second.stdout()) as { trials: number; out: string };
      expect(printed).toMatchObject({ trials: 2, out: dir });
    } finally {
      killByPid(first.child.exitCode === null ? first.child.pid : undefined);
      killByPid(second && second.child.exitCode === null ? second.child.pid : undefined);
      // Whatever failed: no server of this test outlives it.
      if (orphan !== undefined && (await isRunning(orphan))) killByPid(orphan);
    }
  }, 90_000); // two CLI start-ups (tsx) and two server start-ups: about 45 s on the loaded 2-core machine
});
