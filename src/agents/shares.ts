// A scenario split over N agents (k6's execution segments, in whole units): agent i of N takes its
// share of every phase's rate, connections, ramp steps and request counts, so that the shares add
// up exactly to the whole. Phases acting on the server (shutdown, flap) are driven whole by agent 0
// while the others sit them out. Thresholds stay with the whole (the merge judges them). Pure.
import type { LoadSpec, Phase, PhaseExtent, Scenario } from '../contract/scenario.ts';

export interface Shard {
  /** Counting from 0. */
  index: number;
  count: number;
}

/** Phase kinds that act on the server (a signal, a proxy cutting connections): one agent drives them. */
export const DRIVEN_BY_AGENT_0: ReadonlySet<Phase['kind']> = new Set(['shutdown', 'flap']);

/** The driving agent's index. */
export const DRIVER_INDEX = 0;

/** Whole units split as evenly as possible, the remainder to the first agents: 4 over 3 -> 2, 1, 1. */
export function integerShare(total: number, shard: Shard): number {
  const base = Math.floor(total / shard.count);
  return base + (shard.index < total - base * shard.count ? 1 : 0);
}

/** Rates split in whole requests/s, or in thousandths of one when the rate has a fraction: the shares sum exactly. */
export function rateShare(rate: number, shard: Shard): number {
  if (Number.isInteger(rate)) return integerShare(rate, shard);
  return integerShare(Math.round(rate * 1000), shard) / 1000;
}

export function loadShare(load: LoadSpec, shard: Shard): LoadSpec {
  if (load.mode === 'closed') return { ...load, connections: integerShare(load.connections, shard) };
  const rate = rateShare(load.rate, shard);
  // The in-flight cap is split too (the whole fleet holds the asked cap), never below one while sending.
  return { ...load, rate, max_in_flight: rate > 0 ? Math.max(1, integerShare(load.max_in_flight, shard)) : 0 };
}

function extentShare(extent: PhaseExtent, shard: Shard): PhaseExtent {
  return { duration_s: extent.duration_s, ...(extent.requests !== undefined ? { requests: integerShare(extent.requests, shard) } : {}) };
}

function sitOut(phase: Phase): Phase {
  // A steady phase sending nothing: no fault driver (this agent holds no server to signal, no proxy to cut).
  const load: LoadSpec = 'load' in phase && phase.load.mode === 'closed' ? { mode: 'closed', connections: 0, pipelining: 1 } : { mode: 'open', rate: 0, max_in_flight: 0 };
  return { kind: 'steady', name: phase.name, thresholds: phase.thresholds, duration_s: phase.duration_s, load };
}

export function phaseShare(phase: Phase, shard: Shard): Phase {
  if (DRIVEN_BY_AGENT_0.has(phase.kind)) return shard.index === DRIVER_INDEX ? phase : sitOut(phase);
  const extent = extentShare(phase, shard);
  switch (phase.kind) {
    case 'ramp':
      return {
        ...phase,
        ...extent,
        steps: phase.steps.map((s) => ({ ...s, ...(s.rate !== undefined ? { rate: rateShare(s.rate, shard) } : {}), ...(s.connections !== undefined ? { connections: integerShare(s.connections, shard) } : {}) })),
        max_in_flight: Math.max(1, integerShare(phase.max_in_flight, shard)),
      };
    case 'slow-clients':
      return { ...phase, ...extent, load: loadShare(phase.load, shard), clients: integerShare(phase.clients, shard) };
    case 'overload':
      return { ...phase, ...extent, load: loadShare(phase.load, shard) as typeof phase.load };
    default:
      // warmup, steady, malformed (same mix, its share of the rate), aborts (same shares of misbehaving clients).
      return { ...phase, ...extent, load: loadShare(phase.load, shard) };
  }
}

export interface ScenarioShare {
  scenario: Scenario;
  /** Phases this agent drives alone. */
  drives: string[];
}

export function scenarioShare(scenario: Scenario, shard: Shard): ScenarioShare {
  const drives = shard.index === DRIVER_INDEX ? scenario.phases.filter((p) => DRIVEN_BY_AGENT_0.has(p.kind)).map((p) => p.name) : [];
  // Thresholds are judged on the merged numbers (a share's throughput is not the whole's).
  const phases = scenario.phases.map((p) => ({ ...phaseShare(p, shard), thresholds: [] }));
  return { scenario: { ...scenario, phases, thresholds: [] }, drives };
}
