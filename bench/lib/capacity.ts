// The highest open-loop rate whose p99 and error rate meet an SLO, as servebench tune's capacity
// search finds it (one rate step after another on a running server), for benchmarks that compare
// servers or configurations outside a tune run.
import { buildPayloads, cycleRequests } from '../../src/load/payload.ts';
import type { RequestTemplate } from '../../src/load/types.ts';
import type { StartSettings } from '../../src/runner/commandServer.ts';
import { startTarget } from '../../src/runner/target.ts';
import type { Scenario } from '../../src/contract/scenario.ts';
import { probeCapacity } from '../../src/soak/probe.ts';
import { measureRate } from '../../src/tune/rateStep.ts';
import { nextRate, observe, startCapacitySearch } from '../../src/tune/search/capacity.ts';

export interface CapacityOptions {
  origin: string;
  nextRequest: () => RequestTemplate;
  sloP99Us: number;
  maxErrorRate?: number;
  startRps?: number;
  stepS?: number;
  precision?: number;
}

export async function capacityAtSlo(o: CapacityOptions): Promise<number> {
  let state = startCapacitySearch({ sloP99Us: o.sloP99Us, maxErrorRate: o.maxErrorRate ?? 0.01, startRps: o.startRps ?? 200, precision: o.precision ?? 0.1, maxTrials: 12 });
  const step = { origin: o.origin, nextRequest: o.nextRequest, timeoutMs: 10_000, maxInFlight: 4096, runStartUs: performance.now() * 1000 };
  for (;;) {
    const next = nextRate(state);
    if (next.done) return next.result.capacityRps;
    const m = await measureRate(step, next.rateRps, o.stepS ?? 3, 'capacity');
    state = observe(state, next.rateRps, { p99Us: m.measured.latency_us.p99, errorRate: m.errorRate, achievedRps: m.throughputRps });
  }
}

/** Starts the scenario's server with these knobs or config files, warms it, and searches its capacity at the SLO. */
export async function capacityOfStart(scenario: Scenario, start: StartSettings, sloP99Us: number): Promise<number> {
  const target = await startTarget(scenario, start);
  try {
    const requests = await buildPayloads({ origin: target.origin, target: { protocol: target.protocol, model: scenario.model.name }, payload: scenario.payload });
    const nextRequest = cycleRequests(requests);
    await probeCapacity({ origin: target.origin, nextRequest, durationS: 3, connections: 8, timeoutMs: 10_000 });
    return await capacityAtSlo({ origin: target.origin, nextRequest, sloP99Us, stepS: 2, precision: 0.1 });
  } finally {
    await target.stop();
  }
}
