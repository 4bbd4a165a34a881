// Issue 7's benchmark, the leak proof at full length: scenarios/soak-leak.yaml (the embedded
// server retaining 1 KiB per request) and scenarios/soak.yaml (healthy), each soaked for 10
// minutes at 300 requests/s, one after the other (~21 min). Floor: the leaking server is called
// "leak" and the healthy one "no leak". Prints both verdicts, slopes with their CIs, the p99
// drift, and the harness's own RSS growth.
//   BENCH_SOAK_DURATION (10m), BENCH_SOAK_RATE (300), BENCH_SOAK_INTERVAL (2s),
//   BENCH_SOAK_WARMUP (2m), BENCH_SOAK_LIMIT (50MB/h) shorten or reshape it; BENCH_SOAK_ONLY=leak
//   or healthy runs one; BENCH_SOAK_OUT=DIR keeps both run folders (servebench report DIR/soak).
// The limit: 10 minutes resolve a memory slope to about +-10-20 MB/h (V8's old generation climbs
// and falls by several MB between major GCs), so 5 MB/h, an overnight limit, would read as
// "inconclusive" here; 50 MB/h is 20x below the leak's 1.1 GB/h.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResults } from '../src/contract/results.ts';
import { parseDurationSeconds, parseRate } from '../src/scenario/units.ts';
import { loadSoakScenario } from '../src/soak/load.ts';
import { runSoak } from '../src/soak/run.ts';
import { resolveSoakSettings } from '../src/soak/settings.ts';
import { REPO_ROOT } from './lib/processes.ts';

const DURATION = process.env.BENCH_SOAK_DURATION ?? '10m';
const RATE = process.env.BENCH_SOAK_RATE ?? '300';
const INTERVAL = process.env.BENCH_SOAK_INTERVAL ?? '2s';
const WARMUP = process.env.BENCH_SOAK_WARMUP ?? '2m';
const LIMIT = process.env.BENCH_SOAK_LIMIT ?? '50MB/h';
const ONLY = process.env.BENCH_SOAK_ONLY;
const KEEP = process.env.BENCH_SOAK_OUT;

const mib = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
const num = (x: number) => (Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1)) : 'n/a');

async function soak(file: string, dir: string): Promise<RunResults> {
  const { scenario, section } = await loadSoakScenario(join(REPO_ROOT, 'scenarios', file));
  const settings = resolveSoakSettings(section, {
    duration_s: parseDurationSeconds(DURATION),
    rate: parseRate(RATE),
    interval_s: parseDurationSeconds(INTERVAL),
    warmup_s: parseDurationSeconds(WARMUP),
    thresholds: [`rss_slope < ${LIMIT}`, 'p99_drift < 50%'],
  });
  return runSoak(scenario, settings, { outDir: join(dir, file.replace('.yaml', '')), runId: `bench-${file}`, scenarioFile: file });
}

function report(name: string, results: RunResults): void {
  const s = results.soak!;
  const leak = results.verdicts.find((v) => v.kind === 'leak')?.details as { heap_used: { mb_per_hour: number }; external: { mb_per_hour: number } } | undefined;
  const harness = s.samples.filter((x) => x.harness_rss_bytes !== undefined);
  const rss = s.samples.filter((x) => !(x as { warmup?: boolean }).warmup && x.rss_bytes !== undefined).map((x) => x.rss_bytes!);
  const ok = results.phases.find((p) => p.name === 'soak');
  console.log(`${name}: ${s.samples.length} samples over ${num(s.duration_s)} s at ${s.rate}/s, ${ok?.requests.ok ?? 0} ok after the warm-up (${num(ok?.throughput_rps ?? 0)}/s), p99 ${num((ok?.latency_us.p99 ?? 0) / 1000)} ms`);
  console.log(`  memory    ${s.leak.verdict.padEnd(12)} RSS ${num(s.leak.slope_per_hour)} MB/h (95% CI ${num(s.leak.ci[0])} to ${num(s.leak.ci[1])}); heap used ${num(leak?.heap_used.mb_per_hour ?? NaN)} MB/h, external ${num(leak?.external.mb_per_hour ?? NaN)} MB/h${s.leak.projected_hours_to_limit !== undefined ? `; ${num(s.leak.projected_hours_to_limit)} h to ${mib(s.leak.limit_bytes)}` : ''}`);
  if (rss.length > 0) console.log(`  RSS after the warm-up: first ${mib(rss[0])}, min ${mib(Math.min(...rss))}, max ${mib(Math.max(...rss))}, last ${mib(rss.at(-1))}`);
  console.log(`  p99 drift ${s.drift.verdict.padEnd(12)} ${s.drift.summary}`);
  console.log(`  harness   RSS ${mib(harness[0]?.harness_rss_bytes)} -> ${mib(harness.at(-1)?.harness_rss_bytes)}, growth after the warm-up ${mib(s.harness_rss_growth_bytes)}`);
  for (const w of results.warnings) console.log(`  WARNING ${w}`);
}

export async function benchSoak(): Promise<boolean> {
  console.log(`\n## Soak leak proof (issue 7): ${DURATION} each at ${RATE}/s, samples every ${INTERVAL}, warm-up ${WARMUP}, rss_slope < ${LIMIT}\n`);
  const dir = KEEP ?? (await mkdtemp(join(tmpdir(), 'servebench-soak-bench-')));
  try {
    let met = true;
    if (ONLY !== 'healthy') {
      const leaking = await soak('soak-leak.yaml', dir);
      report('soak-leak (1 KiB/request)', leaking);
      met &&= leaking.soak!.leak.verdict === 'leak';
    }
    if (ONLY !== 'leak') {
      const healthy = await soak('soak.yaml', dir);
      report('soak (healthy)', healthy);
      met &&= healthy.soak!.leak.verdict === 'no leak';
    }
    console.log(`\nfloor: leaking -> "leak" and healthy -> "no leak": ${met ? 'met' : 'MISSED'}`);
    return met;
  } finally {
    if (!KEEP) await rm(dir, { recursive: true, force: true });
  }
}

// Run alone: npx tsx bench/soak.bench.ts
if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await benchSoak()) ? 0 : 1;
