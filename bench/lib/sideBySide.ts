// Capacities compared side by side: one embedded server, the configurations' capacity searches
// interleaved round after round (A B, then B A, ...), and each round's ratio read between
// searches a few seconds apart. This machine's speed wanders over minutes (a configuration
// measured twice in one tuning run read 2500 then 4000 rps), so two capacities taken minutes
// apart compare the moments as much as the configurations; the pairs here share their moment.
import { median } from '../../src/analyze/stats.ts';
import { buildPayloads, cycleRequests } from '../../src/load/payload.ts';
import { startTarget } from '../../src/runner/target.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { probeCapacity } from '../../src/soak/probe.ts';
import type { StepContext } from '../../src/tune/rateStep.ts';
import { describeConfig } from '../../src/serving/config.ts';
import type { ServingConfig } from '../../src/serving/knobs.ts';
import { connectServingControl } from '../../src/tune/serving.ts';
import { parseSweepSection } from '../../src/tune/sweepSection.ts';
import { runTrial } from '../../src/tune/trial.ts';

export interface SideBySideOptions {
  model: string;
  sloP99: string;
  /** Rounds; each measures every configuration once. */
  rounds: number;
  stepS: number;
  startRps: number;
  payload?: Record<string, unknown>;
}

export interface SideBySideResult {
  /** Capacities per configuration, by round. */
  capacities: number[][];
  /** Per round: capacity of configuration 1 over configuration 0 (0 when configuration 0 held nothing). */
  ratios: number[];
  medianRatio: number;
}

export async function sideBySide(configs: readonly [ServingConfig, ServingConfig], options: SideBySideOptions): Promise<SideBySideResult> {
  const sweep = { strategy: 'grid', knobs: { workers: [configs[0].workers] }, slo: [`p99 < ${options.sloP99}`, 'error_rate < 1%'], step: options.stepS, warmup: 1, start_rate: options.startRps, precision: '4%', max_steps: 10 };
  const scenario = parseScenario({ name: `side-by-side-${options.model}`, model: options.model, ...(options.payload ? { payload: options.payload } : {}), phases: [{ kind: 'steady', duration: '1s' }], sweep }, 'side-by-side.yaml');
  const spec = parseSweepSection(scenario.sweep, 'side-by-side.yaml');
  const target = await startTarget(scenario);
  try {
    const control = await connectServingControl({ origin: target.origin, protocol: target.protocol, model: options.model });
    const requests = await buildPayloads({ origin: target.origin, target: { protocol: target.protocol, model: options.model, version: scenario.model.version }, payload: scenario.payload, timeoutMs: scenario.request_timeout_ms });
    const step: StepContext = { origin: target.origin, nextRequest: cycleRequests(requests), timeoutMs: scenario.request_timeout_ms, maxInFlight: spec.maxInFlight, serverPid: target.pid, runStartUs: performance.now() * 1000 };
    // As servebench tune does: a fresh server's first seconds are slow (unoptimised code), and round 1's first search would pay for them.
    await probeCapacity({ origin: step.origin, nextRequest: step.nextRequest, durationS: 3, connections: 8, timeoutMs: step.timeoutMs });
    const capacities: number[][] = configs.map(() => []);
    let index = 0;
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const k of order) {
        const trial = await runTrial({ spec, control, step }, { index: index++, config: configs[k], reason: 'side by side', startRps: options.startRps });
        capacities[k][round] = trial.capacity_rps;
        console.log(`      round ${round + 1}: ${describeConfig(configs[k])}: ${trial.capacity_rps} rps`);
      }
    }
    const ratios = capacities[0].map((c0, round) => (c0 > 0 ? capacities[1][round] / c0 : 0));
    return { capacities, ratios, medianRatio: median(ratios) };
  } finally {
    await target.stop();
  }
}
