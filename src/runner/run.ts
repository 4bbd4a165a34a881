// A run, as its steps: start the target, learn the model, sample the system, run the phases,
// stop the target, assemble the results. Whatever happens, the server is stopped.
import type { PhaseResult, RunResults, SecondRow, Verdict } from '../contract/results.ts';
import { RESULTS_SCHEMA } from '../contract/results.ts';
import type { Scenario } from '../contract/scenario.ts';
import type { RunEventListener } from '../contract/events.ts';
import { evaluateThresholds, exitCodeOf, totalsOf } from './assemble.ts';
import { saturationWarning } from '../load/saturation.ts';
import { plannedSeconds } from '../scenario/phases.ts';
import { executePhase } from './phase.ts';
import { RunSession } from './session.ts';
import { effectiveServerConfig, type RunningTarget } from './target.ts';

export interface RunOptions {
  scenarioFile?: string;
  runId: string;
  /** Stops the run gracefully: the current phase ends, results are written, the server stopped. */
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  /**
   * Agents: the first phase starts at this wall-clock time (ms since the epoch), the target being
   * ready and the payloads built before; the run's clock (rows' t, started_s) counts from it.
   */
  startAtMs?: number;
  /** Called once the target is ready, just before the first phase (agents probe their clock and wait for T0 here). */
  beforePhases?: (target: RunningTarget, runStartUs: number) => Promise<void>;
  /** Each timeseries row carries its second's encoded histogram (agents, for an exact merge). */
  secondHistograms?: boolean;
}

/** What the phases measured, gathered as they run. */
interface Measured {
  phases: PhaseResult[];
  rows: SecondRow[];
  serverConfig?: Record<string, unknown>;
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunResults> {
  const session = new RunSession(scenario, options);
  void session.environment();
  const measured: Measured = { phases: [], rows: [] };
  let error: unknown;
  try {
    await runPhases(session, measured, options);
  } catch (err) {
    error = err;
  }
  // Every path reaches here: the server is stopped and the results assembled whatever happened.
  const system = await session.close();
  const results = await assembleResults(session, measured, { system, error, runId: options.runId, scenarioFile: options.scenarioFile });
  session.emit({ type: 'run-end', results });
  return results;
}

/** Starts the target, then runs each phase on it (starting a dead server again first). */
async function runPhases(session: RunSession, measured: Measured, options: RunOptions): Promise<void> {
  const { scenario, signal, emit } = session;
  let target = await session.startTarget();
  emit({ type: 'run-start', scenario: scenario.name, target: target.origin, model: scenario.model.name, phases: scenario.phases.map((p) => ({ name: p.name, kind: p.kind, plannedSeconds: plannedSeconds(p) })) });
  measured.serverConfig = await effectiveServerConfig(target, scenario);
  const validRequest = await session.requests();
  const sampler = await session.startSampling();
  await options.beforePhases?.(target, session.runStartUs);
  for (const [index, phase] of scenario.phases.entries()) {
    if (signal.aborted) break;
    target = await session.ensureTarget('before a phase');
    const { result, rows } = await executePhase(
      { scenario, target, runStartUs: session.runStartUs, emit, signal, validRequest, secondHistograms: options.secondHistograms, systemSamples: () => sampler.samples(), latestSystem: () => sampler.latest() },
      phase,
      index,
    );
    measured.phases.push(result);
    measured.rows.push(...rows);
    if (result.saturation && result.counted) session.warn(saturationWarning(phase.name, result.saturation.reason));
  }
  if (signal.aborted) session.warnings.push('interrupted: the run was stopped before all phases ran');
}

/** The results.json of the run, whatever stage it reached; an error in the thresholds counts as the run's. */
async function assembleResults(session: RunSession, measured: Measured, o: { system: RunResults['system']; error: unknown; runId: string; scenarioFile?: string }): Promise<RunResults> {
  const { scenario, signal } = session;
  const { phases } = measured;
  let error = o.error;
  const verdicts: Verdict[] = phases.flatMap((p) => (p.verdict ? [p.verdict] : []));
  let thresholds: RunResults['thresholds'] = [];
  try {
    thresholds = evaluateThresholds(scenario, phases);
  } catch (err) {
    error ??= err;
  }
  const failed = error !== undefined || signal.aborted;
  return {
    schema: RESULTS_SCHEMA,
    run_id: o.runId,
    started_at: session.startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    ...(o.scenarioFile ? { scenario_file: o.scenarioFile } : {}),
    scenario,
    target: session.describeTarget(),
    ...(measured.serverConfig ? { server_config: measured.serverConfig } : {}),
    environment: await session.environment(),
    phases,
    totals: totalsOf(phases),
    timeseries: measured.rows,
    system: o.system,
    verdicts,
    thresholds,
    ...(session.markers.length > 0 ? { markers: [...session.markers].sort((a, b) => a.t - b.t) } : {}),
    warnings: session.warnings,
    notes: session.notes,
    exit_code: failed ? 2 : exitCodeOf(thresholds, verdicts),
    ...(error !== undefined ? { error: (error as Error).message ?? String(error) } : signal.aborted ? { error: 'interrupted before the last phase finished' } : {}),
  };
}
