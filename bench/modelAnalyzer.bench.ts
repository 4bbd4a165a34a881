// Issue 17's side-by-side with Triton's Model Analyzer, on the same Triton (the tritonserver PyTriton
// bundles, mlp as a Python-backend model), the same knobs (max_batch_size 16 or batching off,
// instance count 1 or 2, a 1 ms batcher delay) and the same SLO (p99 < 50 ms). Model Analyzer
// profiles its brute-force grid with perf_analyzer (closed loop, concurrency 1 to 64) and
// picks the highest throughput under the constraint; servebench tunes scenarios/peers/tune-triton.yaml.
// Then each tool's recommended config.pbtxt is loaded into Triton in turn (serve-repository.py
// --config), round after round (A B, then B A), and its capacity at the SLO searched the same way.
// Floors: servebench's recommended configuration reaches Model Analyzer's capacity (median ratio
// >= 0.9: within noise or above), with no more configurations measured.
// Needs `npm run peers:install` and `npm run peers:install -- model-analyzer`.
// BENCH_MODEL_ANALYZER_ROUNDS (default 3).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { median } from '../src/analyze/stats.ts';
import { freePorts } from '../src/runner/freePorts.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';
import { describeConfig } from '../src/serving/config.ts';
import type { ServingConfig } from '../src/serving/knobs.ts';
import { parseSweepSection } from '../src/tune/sweepSection.ts';
import { runTune } from '../src/tune/tune.ts';
import { capacityOfStart } from './lib/capacity.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ROUNDS = Number(process.env.BENCH_MODEL_ANALYZER_ROUNDS ?? 3);
const MA_TIMEOUT_MS = 20 * 60_000;

/** Model Analyzer's profile configuration: its brute-force grid over the knobs servebench sweeps. */
function analyzerConfig(work: string, ports: number[]): string {
  const [http, grpc, metrics] = ports;
  return `# Written by bench/modelAnalyzer.bench.ts
model_repository: ${work}/repository
export_path: ${work}/out
output_model_repository_path: ${work}/out/output_model_repository
override_output_model_repository: true
checkpoint_directory: ${work}/out/checkpoints
triton_launch_mode: local
triton_server_path: ${ROOT}/peers/triton/tritonserver
triton_output_path: ${work}/out/triton.log
triton_http_endpoint: 127.0.0.1:${http}
triton_grpc_endpoint: 127.0.0.1:${grpc}
triton_metrics_url: http://127.0.0.1:${metrics}/metrics
triton_server_flags:
  http-address: 127.0.0.1
  grpc-address: 127.0.0.1
  metrics-address: 127.0.0.1
  exit-timeout-secs: 10
perf_analyzer_path: ${ROOT}/peers/clients/perf_analyzer
client_protocol: http
collect_cpu_metrics: true
run_config_search_disable: true
objectives:
  perf_throughput: 10
constraints:
  perf_latency_p99:
    max: 50
profile_models:
  mlp:
    cpu_only: true
    model_config_parameters:
      max_batch_size: [1, 16]
      dynamic_batching:
        max_queue_delay_microseconds: [1000]
      instance_group:
        - kind: KIND_CPU
          count: [1, 2]
    parameters:
      batch_sizes: [1]
      concurrency: [1, 4, 16, 64]
`;
}

/** The repository Model Analyzer starts from: mlp as servebench's peers serve it, its base config batching 16. */
function writeRepository(work: string): void {
  const dir = `${work}/repository/mlp`;
  mkdirSync(`${dir}/1`, { recursive: true });
  copyFileSync(`${ROOT}/models/mlp/1/model.onnx`, `${dir}/1/model.onnx`);
  copyFileSync(`${ROOT}/peers/triton/model.py`, `${dir}/1/model.py`);
  // Model Analyzer needs a base max_batch_size > 0 (with 0, perf_analyzer asks for input shapes).
  writeFileSync(`${dir}/config.pbtxt`, 'name: "mlp"\nbackend: "python"\nmax_batch_size: 16\ndynamic_batching { }\ninstance_group [ { count: 1 kind: KIND_CPU } ]\n');
}

interface AnalyzerOutcome {
  seconds: number;
  configurations: number;
  measurements: number;
  best: string;
  throughput: number;
  p99Ms: number;
  configPbtxt: string;
}

async function runModelAnalyzer(work: string): Promise<AnalyzerOutcome> {
  writeRepository(work);
  mkdirSync(`${work}/out`);
  writeFileSync(`${work}/ma.yaml`, analyzerConfig(work, await freePorts(3)));
  const started = performance.now();
  // In a process group of its own: past the deadline it goes with the tritonserver it started.
  const log = await new Promise<string>((resolve, reject) => {
    const child = spawn(`${ROOT}/.peers/model-analyzer/bin/model-analyzer`, ['profile', '-f', `${work}/ma.yaml`], { cwd: work, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), MA_TIMEOUT_MS);
    child.on('error', (err) => reject(new Error(`cannot run model-analyzer: ${err.message}`)));
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      writeFileSync(`${work}/ma.log`, output);
      if (code === 0) resolve(output);
      else reject(new Error(`model-analyzer profile ended with ${signal ?? `code ${code}`}${signal === 'SIGKILL' ? ` after ${MA_TIMEOUT_MS / 60_000} min` : ''}; its log: ${work}/ma.log`));
    });
  });
  const seconds = (performance.now() - started) / 1000;
  const profiled = /Profiled (\d+) configurations/.exec(log)?.[1];
  if (profiled === undefined) throw new Error(`Model Analyzer's log does not say how many configurations it profiled ("Profiled N configurations"): ${work}/ma.log`);
  const configurations = Number(profiled);
  // Its results, best first by the objective: Model,Batch,Concurrency,Model Config Path,...,Satisfies Constraints,Throughput,p99.
  const [header, ...rows] = readFileSync(`${work}/out/results/metrics-model-inference.csv`, 'utf8').trim().split('\n').map((l) => l.split(','));
  const col = (name: string) => header!.indexOf(name);
  const best = rows.find((r) => r[col('Satisfies Constraints')] === 'Yes');
  if (!best) throw new Error(`Model Analyzer found no configuration within p99 < 50 ms (${work}/out/results)`);
  const name = best[col('Model Config Path')]!;
  return {
    seconds, configurations, measurements: rows.length, best: name,
    throughput: Number(best[col('Throughput (infer/sec)')]), p99Ms: Number(best[col('p99 Latency (ms)')]),
    configPbtxt: readFileSync(`${work}/out/output_model_repository/${name}/config.pbtxt`, 'utf8'),
  };
}

export async function benchModelAnalyzer(): Promise<boolean> {
  console.log('\n== model-analyzer: servebench tune vs Triton Model Analyzer on the same Triton, knobs and SLO ==');
  const missing = ['triton', 'clients', 'model-analyzer'].filter((p) => !existsSync(`${ROOT}/.peers/${p}/.servebench-installed`));
  if (missing.length > 0) {
    console.log(`  MISSING: ${missing.join(', ')} not installed: run \`npm run peers:install\` and \`npm run peers:install -- model-analyzer\``);
    return false;
  }
  const work = mkdtempSync(path.join(tmpdir(), 'servebench-bench-ma-'));
  let keep = false;
  try {
    const ma = await runModelAnalyzer(work);
    console.log(`  Model Analyzer 1.58.0 (brute grid, perf_analyzer concurrency 1-64): ${ma.configurations} configurations, ${ma.measurements} measurements in ${ma.seconds.toFixed(0)} s`);
    console.log(`      recommends ${ma.best}: ${ma.throughput} infer/s at p99 ${ma.p99Ms} ms (its closed-loop reading)`);

    const file = `${ROOT}/scenarios/peers/tune-triton.yaml`;
    const { scenario } = await loadScenarioFile(file);
    const spec = parseSweepSection(scenario.sweep, file);
    const started = performance.now();
    const { recommendation, results } = await runTune(scenario, spec, { runId: 'bench-model-analyzer', dir: `${work}/tune` });
    if (!recommendation) {
      console.log(`  FAIL: servebench tune made no recommendation (${results.error ?? 'no configuration met the SLO'})`);
      return false;
    }
    const trials = results.sweep?.trials.length ?? 0;
    console.log(`  servebench tune (grid, launch mode): ${trials} configurations in ${((performance.now() - started) / 1000).toFixed(0)} s (with its closing checks and the proof)`);
    console.log(`      recommends ${describeConfig(recommendation.config as unknown as ServingConfig)}: ${recommendation.capacity_rps} rps at p99 < 50 ms (its open-loop reading)`);

    const configs = { 'model-analyzer': ma.configPbtxt, servebench: readFileSync(`${work}/tune/config.pbtxt`, 'utf8') };
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['model-analyzer', 'servebench'] as const) : (['servebench', 'model-analyzer'] as const);
      const capacity: Record<string, number> = {};
      for (const which of order) capacity[which] = await capacityOfStart(scenario, { files: { config_pbtxt: configs[which] } }, spec.slo.p99Us);
      const ratio = capacity['model-analyzer']! > 0 ? capacity.servebench! / capacity['model-analyzer']! : Number.POSITIVE_INFINITY;
      ratios.push(ratio);
      console.log(`      round ${round + 1}: Model Analyzer's config ${capacity['model-analyzer']} rps, servebench's ${capacity.servebench} rps: ${ratio.toFixed(2)}x`);
    }
    const mid = median(ratios);
    const reaches = mid >= 0.9;
    const fewer = trials <= ma.configurations;
    console.log(`  ${reaches ? 'PASS' : 'FAIL'}: servebench's recommended config.pbtxt reaches ${mid.toFixed(2)}x the capacity of Model Analyzer's on the same Triton (median of ${ROUNDS} rounds; floor >= 0.9x, within noise or above)`);
    console.log(`  ${fewer ? 'PASS' : 'FAIL'}: servebench measured ${trials} configurations, Model Analyzer ${ma.configurations} (floor: no more)`);
    return reaches && fewer;
  } catch (err) {
    keep = true;
    console.log(`  FAIL: ${(err as Error).message} (files kept in ${work})`);
    return false;
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}
