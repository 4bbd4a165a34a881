// Issue 17's floor on real Triton: `servebench tune` (launch mode, scenarios/peers/tune-triton.yaml)
// recommends a configuration; then Triton's default configuration (no dynamic batching, one
// instance) and the recommended one are started in turn, round after round (A B, then B A), and
// each one's capacity at the same p99 SLO is searched the same way. Floor: the recommended
// configuration's capacity beats the default's, judged on the median of the per-round ratios; and
// the exported config.pbtxt, loaded into Triton by the tune itself, measures within the search's noise.
// Needs `npm run peers:install` (triton). BENCH_TUNE_PEERS_ROUNDS (default 3).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { median } from '../src/analyze/stats.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';
import { describeProof } from '../src/tune/proof.ts';
import { describeConfig } from '../src/serving/config.ts';
import type { ServingConfig } from '../src/serving/knobs.ts';
import { parseSweepSection } from '../src/tune/sweepSection.ts';
import { runTune } from '../src/tune/tune.ts';
import { capacityOfStart } from './lib/capacity.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ROUNDS = Number(process.env.BENCH_TUNE_PEERS_ROUNDS ?? 3);

export async function benchTunePeers(): Promise<boolean> {
  console.log('\n== tune-peers: servebench tune on real Triton (launch mode); recommended vs Triton\'s default, side by side ==');
  if (!existsSync(`${ROOT}/.peers/triton/.servebench-installed`)) {
    console.log('  MISSING: the triton peer is not installed: run `npm run peers:install`');
    return false;
  }
  const file = `${ROOT}/scenarios/peers/tune-triton.yaml`;
  const { scenario } = await loadScenarioFile(file);
  const spec = parseSweepSection(scenario.sweep, file);
  const dir = mkdtempSync(path.join(tmpdir(), 'servebench-bench-tune-peers-'));
  try {
    const started = performance.now();
    const { recommendation, results } = await runTune(scenario, spec, { runId: 'bench-tune-peers', dir });
    if (!recommendation) {
      console.log(`  FAIL: no recommendation (${results.error ?? 'no configuration met the SLO'})`);
      return false;
    }
    const trials = results.sweep?.trials ?? [];
    const startups = trials.flatMap((t) => (t.startup_ms !== undefined ? [t.startup_ms] : []));
    console.log(`  tune: ${trials.length} trials in ${((performance.now() - started) / 1000).toFixed(0)} s; Triton start-up per trial ${Math.min(...startups)}–${Math.max(...startups)} ms`);
    const recommended = recommendation.config as unknown as ServingConfig;
    console.log(`  recommended: ${describeConfig(recommended)} at ${recommendation.capacity_rps} rps`);
    const proof = recommendation.proof;
    console.log(`  proof: ${proof ? describeProof(proof) : 'none was taken'}`);
    const defaults = { workers: 1, max_batch_size: 0, max_batch_delay_us: 0 };
    const chosen = { workers: recommended.workers, max_batch_size: recommended.max_batch_size, max_batch_delay_us: recommended.max_batch_delay_us };
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['default', 'recommended'] as const) : (['recommended', 'default'] as const);
      const capacity: Record<string, number> = {};
      for (const which of order) capacity[which] = await capacityOfStart(scenario, { settings: which === 'default' ? defaults : chosen }, spec.slo.p99Us);
      const ratio = capacity.default! > 0 ? capacity.recommended! / capacity.default! : Number.POSITIVE_INFINITY;
      ratios.push(ratio);
      console.log(`      round ${round + 1}: default ${capacity.default} rps, recommended ${capacity.recommended} rps: ${ratio.toFixed(2)}x`);
    }
    const mid = median(ratios);
    const beats = mid > 1;
    console.log(`  ${beats ? 'PASS' : 'FAIL'}: on Triton the recommended configuration's capacity is ${mid.toFixed(2)}x the default's (median of ${ROUNDS} rounds; floor > 1x)`);
    const proven = proof?.agrees === true;
    console.log(`  ${proven ? 'PASS' : 'FAIL'}: the exported config.pbtxt, loaded into Triton, measured ${proof ? `${proof.capacity_rps} rps, ${proof.ratio}x the search's (tolerance ±${Math.round(proof.tolerance * 100)}%)` : 'nothing'}`);
    return beats && proven;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
