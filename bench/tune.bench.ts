// Issue 4's benchmark: `servebench tune` for real against the embedded server, plus the search on
// the synthetic capacity surface of the search tests. Floors:
//  1. mlp: the recommended configuration's capacity >= 2x the default configuration's (1 worker, no
//     batching) at the same SLO, measured side by side after the adaptive run (bench/lib/sideBySide.ts).
//  2. cnn: no large batch delay (>= 2 ms) is recommended unless it clearly raised capacity.
//  3. adaptive vs grid: the configuration adaptive finds is within 5% of the grid's best capacity,
//     using at most 40% of the grid's trials. Shown on the synthetic surface (10 seeds, cheap) and
//     on real mlp (one adaptive run and one grid over the same space; when their choices differ, the
//     two are measured side by side, so both are read on the same ruler at the same moment).
// The mlp SLO is p99 < 100 ms: on these 2 shared cores mlp's p99 already wanders between 15 and
// 50 ms at a third of its capacity, so a 50 ms SLO is crossed by noise before the knee; at 100 ms
// the knee, where p99 leaps to hundreds of ms, decides the capacity (BENCH_TUNE_MLP_SLO to change).
// BENCH_TUNE_STEP sets the rate-step length (s, default 2); BENCH_TUNE_ROUNDS the side-by-side
// rounds (default 3); BENCH_TUNE_GRID=0 skips the real grid; BENCH_TUNE_BINARY=0 skips mlp's
// default-vs-recommended pair read again with binary tensors (printed for reference, not judged).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../src/scenario/load.ts';
import { pickRecommendation, summariseTrials } from '../src/tune/search/noise.ts';
import { configKey, describeConfig } from '../src/serving/config.ts';
import type { ServingConfig } from '../src/serving/knobs.ts';
import { adaptiveStrategy, gridStrategy, runStrategy } from '../src/tune/search/strategies.ts';
import { parseSweepSection } from '../src/tune/sweepSection.ts';
import type { TrialRecord } from '../src/tune/trialRecord.ts';
import { toSearchTrial } from '../src/tune/trialRecord.ts';
import { runTune, type TuneOutcome } from '../src/tune/tune.ts';
import { readTrials } from '../src/tune/store.ts';
import { sideBySide } from './lib/sideBySide.ts';
import { mlpSurface, noisyMeasure, REALISTIC_SPACE } from '../test/tune/surfaces.ts';

const STEP_S = Number(process.env.BENCH_TUNE_STEP ?? 2);
const MLP_SLO = process.env.BENCH_TUNE_MLP_SLO ?? '100ms';
const ROUNDS = Number(process.env.BENCH_TUNE_ROUNDS ?? 3);
const REAL_GRID = process.env.BENCH_TUNE_GRID !== '0';
const BINARY_PAIR = process.env.BENCH_TUNE_BINARY !== '0';
/** Made when the benchmark runs, not when bench/run.ts imports it for another one. */
let OUT = '';

const MLP_KNOBS = { workers: [1, 2], max_batch_size: [0, 4, 8, 16, 32, 64], max_batch_delay_us: [0, 250, 1000, 4000] };
const CNN_KNOBS = { workers: [1, 2], max_batch_size: [0, 4, 16], max_batch_delay_us: [0, 2000, 8000] };

interface RealRun {
  outcome: TuneOutcome;
  records: TrialRecord[];
  seconds: number;
  dir: string;
}

async function realTune(model: string, knobs: Record<string, number[]>, strategy: 'grid' | 'adaptive', sloP99: string, startRate: number): Promise<RealRun> {
  const dir = join(OUT, `${model}-${strategy}`);
  const sweep = { strategy, knobs, slo: [`p99 < ${sloP99}`, 'error_rate < 1%'], step: STEP_S, warmup: 0.5, start_rate: startRate, precision: '10%', max_steps: 8, top: 2, repeats: 2 };
  const scenario = parseScenario({ name: `bench-${model}-${strategy}`, model, phases: [{ kind: 'steady', duration: '1s' }], sweep }, `bench-${model}.yaml`);
  const spec = parseSweepSection(scenario.sweep, `bench-${model}.yaml`);
  const started = performance.now();
  const outcome = await runTune(scenario, spec, {
    runId: `bench-${model}-${strategy}`,
    dir,
    onEvent: (e) => {
      if (e.type === 'trial-end') console.log(`    ${model} ${strategy} trial ${e.index + 1}/${e.total}: ${e.capacityRps ?? 0} rps`);
    },
  });
  if (outcome.results.error) console.log(`    ${model} ${strategy}: ERROR ${outcome.results.error}`);
  return { outcome, records: readTrials(join(dir, 'trials.jsonl')), seconds: (performance.now() - started) / 1000, dir };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const show = (c: Record<string, number | number[]>): string => describeConfig(c as unknown as ServingConfig);

function syntheticComparison(): boolean {
  const rows: { seed: number; grid: number; adaptive: number; gap: number }[] = [];
  for (let seed = 1; seed <= 10; seed++) {
    const grid = runStrategy(gridStrategy(REALISTIC_SPACE), noisyMeasure(mlpSurface, 0.03, seed));
    const adaptive = runStrategy(adaptiveStrategy(REALISTIC_SPACE), noisyMeasure(mlpSurface, 0.03, 1000 + seed));
    const gridBest = mlpSurface(pickRecommendation(grid).chosen.config).capacityRps;
    const found = mlpSurface(pickRecommendation(adaptive).chosen.config).capacityRps;
    rows.push({ seed, grid: grid.length, adaptive: adaptive.length, gap: 1 - found / gridBest });
  }
  const worstGap = Math.max(...rows.map((r) => r.gap));
  const worstShare = Math.max(...rows.map((r) => r.adaptive / r.grid));
  const ok = worstGap <= 0.05 && worstShare <= 0.4;
  console.log(`  synthetic mlp-like surface (3x5x4 = 60 configurations, 3% noise, 10 seeds; from test/tune/surfaces.ts):`);
  console.log(`    grid ${Math.min(...rows.map((r) => r.grid))}-${Math.max(...rows.map((r) => r.grid))} trials, adaptive ${Math.min(...rows.map((r) => r.adaptive))}-${Math.max(...rows.map((r) => r.adaptive))} trials (worst ${pct(worstShare)} of the grid's)`);
  console.log(`    adaptive's choice vs the grid's choice, on the true surface: worst gap ${pct(worstGap)}  ${ok ? 'PASS' : 'FAIL'} (floor: <= 5% with <= 40% of the trials)`);
  return ok;
}

const DEFAULT_CONFIG: ServingConfig = { workers: 1, max_batch_size: 0, max_batch_delay_us: 0, intra_op_threads: 1, max_queue_size: 256 };
const asConfig = (c: Record<string, number | number[]>): ServingConfig => c as unknown as ServingConfig;
const ratios = (xs: number[]): string => xs.map((x) => `${x.toFixed(2)}x`).join(', ');

function cpuPerRequest(r: TrialRecord | undefined): string {
  if (r?.server_cpu_percent === undefined || !(r.capacity_rps > 0)) return '-';
  const us = (percent: number) => Math.round((percent / 100) * (1e6 / r.capacity_rps));
  return `${us(r.server_cpu_percent)} µs${r.server_main_thread_cpu_percent !== undefined ? ` (main thread ${us(r.server_main_thread_cpu_percent)} µs)` : ''}`;
}

async function mlpGain(run: RealRun): Promise<boolean> {
  const rec = run.outcome.recommendation;
  const def = run.outcome.results.sweep?.default_capacity_rps;
  console.log(`  real mlp, adaptive: ${run.records.length} trials in ${Math.round(run.seconds)} s (${run.dir})`);
  console.log(`    in the run: default (1 worker, no batching) ${def ?? '-'} rps; recommended ${rec ? show(rec.config) : '-'}: ${rec?.capacity_rps ?? '-'} rps ${rec ? `(${rec.capacity_spread.min}-${rec.capacity_spread.max} over ${rec.capacity_spread.runs.length} runs)` : ''}${rec && def ? `, ${(rec.capacity_rps / def).toFixed(2)}x` : ''}`);
  if (rec) for (const a of rec.at_load) console.log(`    at ${Math.round(a.share * 100)}% (${a.rate} rps): p50 ${(a.p50_us / 1000).toFixed(2)} ms, p99 ${(a.p99_us / 1000).toFixed(2)} ms`);
  if (rec?.verification) console.log(`    CAUTION ${rec.verification}`);
  if (rec) {
    // What a request costs the server at capacity bounds the gain when the machine, shared with the generator, runs out.
    const last = (config: ServingConfig) => run.records.filter((r) => configKey(r.config) === configKey(config)).at(-1);
    console.log(`    server CPU per request at capacity: default ${cpuPerRequest(last(DEFAULT_CONFIG))}; recommended ${cpuPerRequest(last(asConfig(rec.config)))}`);
  }
  if (!rec) {
    console.log('    gain -  FAIL (no recommendation)');
    return false;
  }
  // The default was measured once, minutes before the recommended one's repeats: measured again here, side by side.
  console.log(`    side by side, ${ROUNDS} rounds (default, then recommended; alternating order):`);
  const pair = await sideBySide([DEFAULT_CONFIG, asConfig(rec.config)], { model: 'mlp', sloP99: MLP_SLO, rounds: ROUNDS, stepS: STEP_S, startRps: 1000 });
  const ok = pair.medianRatio >= 2;
  console.log(`    default ${pair.capacities[0].join(', ')} rps; recommended ${pair.capacities[1].join(', ')} rps; per round ${ratios(pair.ratios)}`);
  console.log(`    gain (median of the rounds) ${pair.medianRatio.toFixed(2)}x  ${ok ? 'PASS' : 'FAIL'} (floor: >= 2x at p99 < ${MLP_SLO}, error_rate < 1%)`);
  // Not judged: the same pair with binary tensors, whose cheaper decoding leaves more of each request to what batching saves.
  if (BINARY_PAIR) {
    console.log(`    for reference, the same pair with binary tensors (not the floor; BENCH_TUNE_BINARY=0 skips it):`);
    const binary = await sideBySide([DEFAULT_CONFIG, asConfig(rec.config)], { model: 'mlp', sloP99: MLP_SLO, rounds: ROUNDS, stepS: STEP_S, startRps: 1000, payload: { encoding: 'binary' } });
    console.log(`    default ${binary.capacities[0].join(', ')} rps; recommended ${binary.capacities[1].join(', ')} rps; per round ${ratios(binary.ratios)}; median ${binary.medianRatio.toFixed(2)}x`);
  }
  return ok;
}

async function realComparison(adaptive: RealRun, grid: RealRun): Promise<boolean> {
  const gridSummaries = summariseTrials(grid.records.map(toSearchTrial));
  const gridBest = gridSummaries[0];
  const chosen = adaptive.outcome.recommendation?.config;
  const share = adaptive.records.length / grid.records.length;
  console.log(`  real mlp, grid over the same space: ${grid.records.length} trials over ${gridSummaries.length} configurations in ${Math.round(grid.seconds)} s (${grid.dir})`);
  console.log(`    grid best: ${describeConfig(gridBest.config)} at ${Math.round(gridBest.medianRps)} rps (its runs ${gridBest.capacities.join(', ')}); adaptive's choice: ${chosen ? show(chosen) : '-'} (adaptive measured ${adaptive.outcome.recommendation?.capacity_rps ?? '-'})`);
  let gap = 1;
  if (chosen && configKey(asConfig(chosen)) === gridBest.key) {
    gap = 0;
    console.log('    the same configuration: gap 0');
  } else if (chosen) {
    console.log(`    side by side, ${ROUNDS} rounds (grid best, then adaptive's choice; alternating order):`);
    const pair = await sideBySide([gridBest.config, asConfig(chosen)], { model: 'mlp', sloP99: MLP_SLO, rounds: ROUNDS, stepS: STEP_S, startRps: 1000 });
    gap = 1 - pair.medianRatio;
    console.log(`    grid best ${pair.capacities[0].join(', ')} rps; adaptive's choice ${pair.capacities[1].join(', ')} rps; adaptive/grid per round ${ratios(pair.ratios)}`);
  }
  const ok = gap <= 0.05 && share <= 0.4;
  console.log(`    gap ${pct(gap)}, trials ${adaptive.records.length}/${grid.records.length} = ${pct(share)}  ${ok ? 'PASS' : 'FAIL'} (floor: gap <= 5% with <= 40% of the trials)`);
  return ok;
}

function cnnNotFooled(run: RealRun): boolean {
  const rec = run.outcome.recommendation;
  const summaries = summariseTrials(run.records.map(toSearchTrial));
  const bestNoDelay = summaries.find((s) => s.config.max_batch_delay_us === 0);
  const delay = rec ? Number(rec.config.max_batch_delay_us) : 0;
  const gain = rec && bestNoDelay ? rec.capacity_rps / bestNoDelay.medianRps - 1 : 0;
  // A large delay only when it bought clearly more than noise (10%).
  const ok = rec !== undefined && (delay < 2000 || gain > 0.1);
  console.log(`  real cnn, adaptive: ${run.records.length} trials in ${Math.round(run.seconds)} s (${run.dir})`);
  console.log(`    recommended ${rec ? show(rec.config) : '-'} at ${rec?.capacity_rps ?? '-'} rps; best without delay: ${bestNoDelay ? `${describeConfig(bestNoDelay.config)} at ${Math.round(bestNoDelay.medianRps)} rps` : '-'}`);
  console.log(`    delay ${delay} us${delay >= 2000 ? `, gain ${pct(gain)} over no delay` : ''}  ${ok ? 'PASS' : 'FAIL'} (floor: no delay >= 2 ms unless it raised capacity > 10%)`);
  return ok;
}

export async function benchTune(): Promise<boolean> {
  OUT = mkdtempSync(join(tmpdir(), 'servebench-bench-tune-'));
  console.log(`\n== tune: capacity search and recommendation (rate steps ${STEP_S} s; run folders under ${OUT})`);
  const results: boolean[] = [syntheticComparison()];
  const mlp = await realTune('mlp', MLP_KNOBS, 'adaptive', MLP_SLO, 200);
  results.push(await mlpGain(mlp));
  const cnn = await realTune('cnn', CNN_KNOBS, 'adaptive', '100ms', 20);
  results.push(cnnNotFooled(cnn));
  if (REAL_GRID) results.push(await realComparison(mlp, await realTune('mlp', MLP_KNOBS, 'grid', MLP_SLO, 200)));
  else console.log('  real mlp grid skipped (BENCH_TUNE_GRID=0): adaptive vs grid shown on the synthetic surface only');
  return results.every(Boolean);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ok = await benchTune();
  console.log(ok ? '\nAll tune floors met.' : '\nSome tune floors were missed (see above).');
  process.exitCode = ok ? 0 : 1;
}
