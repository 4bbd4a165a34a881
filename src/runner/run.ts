// A run, as its steps: start the target, learn the model, sample the system, run the phases,
// stop the target, assemble and write the results. Whatever happens, the server is stopped.
import { buildPayloads, cycleRequests } from '../load/payload.ts';
import { collectEnvironment } from '../measure/environment.ts';
import { SystemSampler } from '../measure/systemSampler.ts';
import type { PhaseResult, RunMarker, RunResults, SecondRow, Verdict } from '../contract/results.ts';
import { RESULTS_SCHEMA } from '../contract/results.ts';
import type { Scenario } from '../contract/scenario.ts';
import { evaluateThresholds, exitCodeOf, totalsOf } from './assemble.ts';
import type { RunEvent, RunEventListener } from '../contract/events.ts';
import { executePhase, plannedSeconds } from './phase.ts';
import { describeTarget, effectiveServerConfig, startTarget, type RunningTarget } from './target.ts';

export interface RunOptions {
  scenarioFile?: string;
  runId: string;
  /** Stops the run gracefully: the current phase ends, results are written, the server stopped. */
  signal?: AbortSignal;
  onEvent?: RunEventListener;
}

/** A started server (embedded, command) that died before a phase is started again, and the death reported. */
async function ensureTarget(target: RunningTarget, scenario: Scenario, started: RunningTarget[], warn: (message: string) => void): Promise<RunningTarget> {
  if (!target.server) return target;
  const alive = await Promise.race([target.server.exited.then(() => false), Promise.resolve(true)]);
  if (alive) return target;
  const exit = await target.server.exited;
  warn(`the server exited (${exit.signal ?? `code ${exit.code}`}) before a phase; starting it again (server CPU and memory samples stay with the first one)`);
  await target.stop(); // its process group and {tmp} folder go too
  const restarted = await startTarget(scenario);
  started.push(restarted);
  return restarted;
}

export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunResults> {
  const markers: RunMarker[] = [];
  const emit = (event: RunEvent) => {
    // Fault markers are kept in the results too, so a report can draw them after the fact.
    if (event.type === 'marker') markers.push({ t: Math.round(event.atS * 1000) / 1000, kind: event.kind, ...(event.detail !== undefined ? { detail: event.detail } : {}) });
    options.onEvent?.(event);
  };
  const signal = options.signal ?? new AbortController().signal;
  const runStartUs = performance.now() * 1000;
  const startedAt = new Date();
  const atS = () => (performance.now() * 1000 - runStartUs) / 1e6;
  const warnings: string[] = [];
  const notes: string[] = [];
  const phases: PhaseResult[] = [];
  const rows: SecondRow[] = [];
  const environmentPending = collectEnvironment();

  let target: RunningTarget | undefined;
  const started: RunningTarget[] = [];
  let sampler: SystemSampler | undefined;
  let error: unknown;
  let serverConfig: Record<string, unknown> | undefined;
  try {
    target = await startTarget(scenario);
    started.push(target);
    emit({ type: 'run-start', scenario: scenario.name, target: target.origin, model: scenario.model.name, phases: scenario.phases.map((p) => ({ name: p.name, kind: p.kind, plannedSeconds: plannedSeconds(p) })) });
    serverConfig = await effectiveServerConfig(target, scenario);
    const requests = await buildPayloads({ origin: target.origin, target: { protocol: target.protocol, model: scenario.model.name, version: scenario.model.version }, payload: scenario.payload, timeoutMs: scenario.request_timeout_ms });
    const validRequest = cycleRequests(requests);
    sampler = new SystemSampler({ runStartUs, intervalMs: scenario.sampling.interval_ms, serverPid: target.pid, metricsUrl: target.metricsUrl, gpu: true, onNote: (note) => notes.push(note) });
    await sampler.start();

    for (const [index, phase] of scenario.phases.entries()) {
      if (signal.aborted) break;
      target = await ensureTarget(target, scenario, started, (message) => {
        warnings.push(message);
        emit({ type: 'warning', atS: atS(), message });
      });
      const currentSampler = sampler;
      const { result, rows: phaseRows } = await executePhase(
        { scenario, target, runStartUs, emit, signal, validRequest, systemSamples: () => currentSampler.samples(), latestSystem: () => currentSampler.latest() },
        phase,
        index,
      );
      phases.push(result);
      rows.push(...phaseRows);
      if (result.saturation && result.counted) {
        const message = `generator saturated in phase ${phase.name}: results describe the client, not the server (${result.saturation.reason})`;
        warnings.push(message);
        emit({ type: 'warning', atS: atS(), message });
      }
    }
    if (signal.aborted) warnings.push('interrupted: the run was stopped before all phases ran');
  } catch (err) {
    error = err;
  }
  // Every path reaches here: the server is stopped and the results assembled whatever happened.
  {
    const system = (await sampler?.stop()) ?? [];
    await target?.stop();
    const environment = await environmentPending;
    const verdicts: Verdict[] = phases.flatMap((p) => (p.verdict ? [p.verdict] : []));
    let thresholds: RunResults['thresholds'] = [];
    try {
      thresholds = evaluateThresholds(scenario, phases);
    } catch (err) {
      error ??= err;
    }
    const failed = error !== undefined || signal.aborted;
    const results: RunResults = {
      schema: RESULTS_SCHEMA,
      run_id: options.runId,
      started_at: startedAt.toISOString(),
      finished_at: new Date().toISOString(),
      ...(options.scenarioFile ? { scenario_file: options.scenarioFile } : {}),
      scenario,
      target: describeTarget(scenario, started),
      ...(serverConfig ? { server_config: serverConfig } : {}),
      environment,
      phases,
      totals: totalsOf(phases),
      timeseries: rows,
      system,
      verdicts,
      thresholds,
      ...(markers.length > 0 ? { markers: [...markers].sort((a, b) => a.t - b.t) } : {}),
      warnings,
      notes,
      exit_code: failed ? 2 : exitCodeOf(thresholds, verdicts),
      ...(error !== undefined ? { error: (error as Error).message ?? String(error) } : signal.aborted ? { error: 'interrupted before the last phase finished' } : {}),
    };
    emit({ type: 'run-end', results });
    return results;
  }
}
