// Issue 18's benchmark: 2 agents at R/2 each against 1 agent at R, on the same server, side by
// side. Floor: the pair's median p50 and p99 agree with the single agent's within the noise this
// bench measures by repeating both, interleaved (or 10%, whichever is larger).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLocalAgents } from '../src/agents/local.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';
import { spawnServebench } from './lib/processes.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RATE = 200;
const ROUNDS = 3;
const MIN_TOLERANCE = 0.1;

async function measure(file: string, count: number, out: string): Promise<{ p50: number; p99: number; rate: number }> {
  const { scenario } = await loadScenarioFile(file);
  const results = await runLocalAgents({ scenarioFile: file, scenario, count, outDir: out, runId: path.basename(out), signal: new AbortController().signal, onLine: () => {} });
  const phase = results.phases.find((p) => p.name === 'measured')!;
  return { p50: phase.latency_us.p50, p99: phase.latency_us.p99, rate: phase.send_rate ?? 0 };
}

/** Sorted values, their median, and their range as a share of it. */
function spreadOf(values: number[]): { values: number[]; median: number; noise: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1];
  return { values: sorted, median, noise: (sorted.at(-1)! - sorted[0]) / median };
}

export async function benchAgents(): Promise<boolean> {
  console.log(`\n== agents: 2 agents at ${RATE / 2}/s vs 1 agent at ${RATE}/s, same server, ${SECONDS} s each ==`);
  const server = await spawnServebench(['--max-batch-size', '16', '--max-batch-delay-us', '1000']);
  const dir = mkdtempSync(path.join(tmpdir(), 'servebench-bench-agents-'));
  try {
    const file = path.join(dir, 'agents.yaml');
    writeFileSync(file, `name: bench-agents\ntarget:\n  kind: url\n  url: ${server.url}\nmodel: mlp\nphases:\n  - kind: warmup\n    duration: 2s\n    rate: ${RATE}\n  - kind: steady\n    name: measured\n    duration: ${SECONDS}s\n    rate: ${RATE}\n`);
    // Turns alternate (single, pair, single, pair...) so drift on the machine falls on both alike.
    const singles: Awaited<ReturnType<typeof measure>>[] = [];
    const pairs: Awaited<ReturnType<typeof measure>>[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      singles.push(await measure(file, 1, path.join(dir, `s${i}`)));
      pairs.push(await measure(file, 2, path.join(dir, `p${i}`)));
    }
    const ms = (values: number[]) => values.map((v) => (v / 1000).toFixed(2)).join(' / ');
    let ok = true;
    for (const key of ['p50', 'p99'] as const) {
      const single = spreadOf(singles.map((s) => s[key]));
      const pair = spreadOf(pairs.map((s) => s[key]));
      const ratio = pair.median / single.median;
      const tolerance = Math.max(single.noise, pair.noise, MIN_TOLERANCE);
      const agree = Math.abs(ratio - 1) <= tolerance;
      ok &&= agree;
      console.log(`${key}: 2 agents ${ms(pair.values)} ms, 1 agent ${ms(single.values)} ms; ratio of medians ${ratio.toFixed(3)}, noise of repeats ${(single.noise * 100).toFixed(1)}% (1 agent) ${(pair.noise * 100).toFixed(1)}% (2 agents) -> ${agree ? 'agree' : `DIFFER beyond ±${(tolerance * 100).toFixed(0)}%`}`);
    }
    console.log(`achieved rate: 2 agents ${pairs.map((s) => s.rate.toFixed(1)).join(' / ')}/s, 1 agent ${singles.map((s) => s.rate.toFixed(1)).join(' / ')}/s (asked ${RATE}/s)`);
    return ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.stop();
  }
}
