// One agent's run: its share of the scenario, started at T0 on its clock after the target is
// ready, its clock read against the target's, and an `agent` section in its results for the merge.
import type { AgentRunInfo, ClockReading, RunResults } from '../contract/results.ts';
import type { RunEventListener } from '../contract/events.ts';
import { runScenario } from '../runner/run.ts';
import type { Scenario } from '../contract/scenario.ts';
import { CLOCK_PROBE_BUDGET_MS, probeClock } from './clockProbe.ts';
import { scenarioShare, type Shard } from './shares.ts';

export interface AgentRunOptions {
  /** The whole scenario (this agent takes its share). */
  scenario: Scenario;
  scenarioFile?: string;
  shard: Shard;
  /** T0, ms since the epoch. */
  startAtMs: number;
  runId: string;
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  /** Called when this agent's first phase starts, with its lag after T0 (ms) and its clock reading. */
  onStart?: (lagMs: number, clock: ClockReading) => void;
}

/** The target as the agents share it: one server at this URL (the parent's embedded server, a fleet's service). */
export function withTargetUrl(scenario: Scenario, url: string): Scenario {
  const protocol = scenario.target.kind === 'embedded' ? 'kserve-v2' : scenario.target.protocol;
  return { ...scenario, target: { kind: 'url', url, protocol, ready_timeout_ms: scenario.target.ready_timeout_ms } };
}

/** Left between the probe's end and T0, for the first phase to set up. */
const PROBE_MARGIN_MS = 300;
/** Time before T0 the clock probe needs. */
const PROBE_ROOM_MS = CLOCK_PROBE_BUDGET_MS + PROBE_MARGIN_MS;

/** A timer may fire a little early on the monotonic clock: the last stretch is waited out in turns of the event loop. */
async function sleepUntil(perfMs: number): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, perfMs - performance.now() - 1)));
  while (performance.now() < perfMs) await new Promise<void>((resolve) => setImmediate(resolve));
}

export async function runAgent(options: AgentRunOptions): Promise<RunResults> {
  const share = scenarioShare(options.scenario, options.shard);
  let clock: ClockReading = { source: 'none', note: 'the target never became ready' };
  let lagMs: number | null = null;
  let origin: string | undefined;
  const results = await runScenario(share.scenario, {
    ...(options.scenarioFile ? { scenarioFile: options.scenarioFile } : {}),
    runId: options.runId,
    signal: options.signal,
    onEvent: options.onEvent,
    startAtMs: options.startAtMs,
    secondHistograms: true,
    beforePhases: async (target, runStartUs) => {
      origin = target.origin;
      // The probe takes up to ~1.2 s: only when T0 leaves room, else after the phases (offsets drift slowly).
      if (runStartUs / 1000 - performance.now() > PROBE_ROOM_MS) clock = await probeClock(target.origin, Math.min(CLOCK_PROBE_BUDGET_MS, runStartUs / 1000 - performance.now() - PROBE_MARGIN_MS));
      else clock = { source: 'none', note: 'not measured: the agent was ready too close to T0' };
      await sleepUntil(runStartUs / 1000);
      lagMs = Math.round((performance.now() - runStartUs / 1000) * 1000) / 1000;
      options.onStart?.(lagMs, clock);
    },
  });
  if (clock.source === 'none' && origin !== undefined && lagMs !== null) {
    const after = await probeClock(origin);
    if (after.source !== 'none') clock = { ...after, note: 'measured after the phases (the agent was ready too close to T0)' };
  }
  const agent: AgentRunInfo = {
    index: options.shard.index,
    count: options.shard.count,
    start_at: new Date(options.startAtMs).toISOString(),
    start_lag_ms: lagMs,
    clock,
    drives: share.drives,
    whole_scenario: options.scenario,
  };
  const notes = share.drives.length > 0 ? [...results.notes, `agent ${agent.index} drove ${share.drives.join(', ')} alone (phases acting on the server); the other agents sat them out`] : results.notes;
  return { ...results, notes, agent };
}
