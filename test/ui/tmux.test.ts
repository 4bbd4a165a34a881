// Once for real: `servebench run` in a real terminal (a detached tmux session of fixed size), the
// dashboard read back with capture-pane, stopped with q typed into it; the run must write its
// results and leave no process behind. Nothing crosses tmux as an event, so the pane is polled
// against a deadline.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/contract/results.ts';
import { REPO_ROOT } from '../helpers/servers.ts';

const exec = promisify(execFile);
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
// A tmux server of its own per test: kill-server returns before the old server has gone, and a
// new session on the same socket can meet the dying server ("server exited unexpectedly").
let sessions = 0;
let socket = '';
const tmux = (...args: string[]) => exec('tmux', ['-L', socket, ...args]);

// 12 s planned so that q, typed once the dashboard shows numbers, surely lands mid-phase on a busy
// machine; the run then ends long before the 12 s.
const SCENARIO = `name: tmux-dash
target:
  kind: embedded
  server:
    workers: 1
model: mlp
phases:
  - kind: steady
    name: steady-tmux
    duration: 12s
    connections: 4
`;

async function until<T>(what: string, deadlineMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = performance.now() + deadlineMs;
  let last: unknown;
  while (performance.now() < end) {
    const value = await probe().catch((err) => ((last = err), undefined));
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ''}`);
}

const pane = async () => (await tmux('capture-pane', '-p', '-t', 'dash')).stdout;

/** PIDs whose parent is `pid` (Linux /proc). */
async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command: state, ppid, ...
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) out.push(Number(entry));
  }
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !/^\S+ \(.*\) Z/.test(spawnSync('cat', [`/proc/${pid}/stat`]).stdout?.toString() ?? '');
  } catch {
    return false;
  }
};

let dir: string | undefined;
beforeEach(() => {
  socket = `servebench-test-${process.pid}-${++sessions}`;
});
afterEach(async () => {
  if (HAS_TMUX) await tmux('kill-server').catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the dashboard in a real terminal (tmux)', () => {
  it.skipIf(!HAS_TMUX)(HAS_TMUX ? 'draws the run live, stops on q, writes the results and leaves no process' : 'SKIPPED: tmux is not installed (apt-get install tmux), so the dashboard was not checked in a real terminal', async () => {
    dir = await mkdtemp(join(tmpdir(), 'servebench-tmux-'));
    const scenario = join(dir, 'scenario.yaml');
    const out = join(dir, 'out');
    await writeFile(scenario, SCENARIO);
    // CI unset: this is a person's terminal. The shell records its PID and, after the run, the exit code.
    const script = `echo $$ > ${dir}/shell.pid; node ${REPO_ROOT}bin/servebench run ${scenario} --out ${out}; echo $? > ${dir}/exit.code; exec sleep 600`;
    await tmux('new-session', '-d', '-s', 'dash', '-x', '120', '-y', '40', '-c', REPO_ROOT, `env -u CI -u CONTINUOUS_INTEGRATION -u NO_COLOR sh -c '${script}'`);

    // The dashboard, once it has numbers: the phase, a rate, latency and a server sample.
    const shown = await until('the dashboard to show the phase with numbers', 90_000, async () => {
      const text = await pane();
      return /1\/1 steady-tmux/.test(text) && /rate\s+[1-9]\d* req\/s now/.test(text) && /RSS \d/.test(text) ? text : undefined;
    });
    expect(shown).toContain('servebench run · tmux-dash · mlp @ http://127.0.0.1:');
    expect(shown).toMatch(/latency\s+p50\s+p90\s+p99\s+max/);
    expect(shown).toMatch(/now\s+\d[\d.]*(µs|ms|s)\s+/);
    expect(shown).toMatch(/server\s+CPU \d+\.\d\d cores RSS \d[\d.]* MB/);
    expect(shown).toContain('q or Ctrl-C: stop gracefully');

    const shellPid = Number(await readFile(join(dir, 'shell.pid'), 'utf8'));
    const [runPid] = await childrenOf(shellPid);
    expect(runPid).toBeGreaterThan(0);
    const serverPids = await childrenOf(runPid);
    expect(serverPids.length).toBeGreaterThan(0);

    const stopAt = performance.now();
    await tmux('send-keys', '-t', 'dash', 'q');
    const code = await until('the run to exit', 60_000, async () => (existsSync(join(dir!, 'exit.code')) ? (await readFile(join(dir!, 'exit.code'), 'utf8')).trim() : undefined));
    const stoppedInS = (performance.now() - stopAt) / 1000;

    // Interrupted: exit 2, and the results written all the same.
    expect(code).toBe('2');
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResults;
    expect(results.warnings.join('\n')).toContain('interrupted');
    expect(results.phases).toHaveLength(1);
    expect(results.phases[0].duration_s).toBeLessThan(12);
    expect(results.phases[0].requests.ok).toBeGreaterThan(0);
    expect(stoppedInS).toBeLessThan(30);
    const after = await pane();
    expect(after).toMatch(/finished \(exit 2\)/);
    expect(after).toContain(`servebench: wrote ${out}`);

    // Nothing left: the run and its embedded server are gone.
    expect([runPid, ...serverPids].filter(alive)).toEqual([]);
  });

  // A small real sweep: two configurations, short rate steps; about 20 s on 2 busy cores.
  const TUNE = `name: tmux-tune
target:
  kind: embedded
model: mlp
sweep:
  strategy: grid
  knobs:
    max_batch_size: [0, 16]
  slo: [p99 < 250ms, error_rate < 5%]
  step: 1s
  warmup: 0.3s
  start_rate: 100
  max_steps: 3
  precision: 30%
  repeats: 1
phases:
  - kind: steady
    duration: 1s
`;

  async function tuneInTmux(extra: string): Promise<{ dir: string; session: string }> {
    dir = await mkdtemp(join(tmpdir(), 'servebench-tmux-tune-'));
    await writeFile(join(dir, 'tune.yaml'), TUNE);
    const script = `node ${REPO_ROOT}bin/servebench tune ${dir}/tune.yaml --out ${dir}/out ${extra}; echo $? > ${dir}/exit.code; exec sleep 600`;
    await tmux('new-session', '-d', '-s', 'dash', '-x', '120', '-y', '40', '-c', REPO_ROOT, `env -u CI -u CONTINUOUS_INTEGRATION -u NO_COLOR sh -c '${script}'`);
    return { dir, session: 'dash' };
  }

  it.skipIf(!HAS_TMUX)('tune shows the live dashboard with its sweep panel and the current rate step', async () => {
    const { dir: at } = await tuneInTmux('');
    const shown = await until('the tune dashboard to show a trial and a rate step', 120_000, async () => {
      const text = await pane();
      return /sweep\s+trial \d\/2 (running|done)/.test(text) && /rate\s+[1-9]\d* req\/s now/.test(text) ? text : undefined;
    });
    expect(shown).toContain('servebench tune · tmux-tune · mlp @ http://127.0.0.1:');
    expect(shown).toMatch(/phase\s+1\/1 (warmup|trial-\d) · steady · \d[\d.]*\/s/);
    expect(shown).toContain('q or Ctrl-C: stop gracefully');
    const code = await until('the tune to finish', 180_000, async () => (existsSync(join(at, 'exit.code')) ? (await readFile(join(at, 'exit.code'), 'utf8')).trim() : undefined));
    expect(['0', '1']).toContain(code);
    expect(await pane()).toMatch(/finished \(exit [01]\)/);
  }, 300_000);

  it.skipIf(!HAS_TMUX)('tune --no-dashboard prints plain progress lines on a terminal instead', async () => {
    const { dir: at } = await tuneInTmux('--no-dashboard');
    const code = await until('the tune to finish', 180_000, async () => (existsSync(join(at, 'exit.code')) ? (await readFile(join(at, 'exit.code'), 'utf8')).trim() : undefined));
    expect(['0', '1']).toContain(code);
    const text = (await tmux('capture-pane', '-p', '-S', '-200', '-t', 'dash')).stdout;
    expect(text).toMatch(/trial 1\/2 done: /);
    expect(text).toMatch(/\[\s+\d+s\] trial-\d\s+\d+ req\/s/);
    expect(text).not.toContain('q or Ctrl-C: stop gracefully');
    expect(text).not.toMatch(/^sweep\s+trial/m);
  }, 300_000);
});
