// A tuning run, as its steps: open (or resume) the run folder, start one server, then trial after
// trial: the strategy proposes a configuration, the model is reloaded with it, its capacity is
// searched, and the trial is appended to disk at once. Then the chosen configuration is measured at
// 50/80/100% of its capacity, and results, recommendation and server configs are written.
// Whatever happens, the server is stopped and every finished trial is kept.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPayloads, cycleRequests } from '../load/payload.ts';
import { collectEnvironment } from '../measure/environment.ts';
import type { PhaseResult, RunResults, SecondRow } from '../contract/results.ts';
import { writeFileAtomic, writeRunFolder } from '../report/writeRun.ts';
import type { RunEvent, RunEventListener } from '../contract/events.ts';
import type { StartSettings } from '../runner/commandServer.ts';
import { describeTarget, startTarget, type RunningTarget } from '../runner/target.ts';
import { KNOBS, type Knob } from '../serving/knobs.ts';
import { CONFIG_FILE_PLACEHOLDERS } from '../scenario/placeholders.ts';
import type { Scenario } from '../contract/scenario.ts';
import { probeCapacity } from '../soak/probe.ts';
import { processStartTicks, stopOrphanServer } from './orphan.ts';
import { baseConfig, bestSoFar, etaSeconds, planSweep, searchStartRate } from './plan.ts';
import { recommend, type RecommendationFile } from './recommend.ts';
import type { StepContext } from './rateStep.ts';
import { checkLaunchSweepable, configFilePlaceholderOf, launchKnobs, launchServingControl, servingReadBack, type Relaunched } from './launchControl.ts';
import { AS_LOADED, describeProof, exportProof, failedProof, type ExportProof } from './proof.ts';
import { checkTorchServeSweepable, connectTorchServeControl } from './torchserveControl.ts';
import type { ServingConfig } from '../serving/knobs.ts';
import { checkSweepable, connectServingControl, sweptKnobs, type ServingControl } from './serving.ts';
import { sweepFingerprint, TuneStore, TUNE_STATE_SCHEMA } from './store.ts';
import type { SweepSpec } from './sweepSection.ts';
import { RunError } from '../runner/errors.ts';
import { TuneError } from './errors.ts';
import { failedTrial, runTrial, TrialInterrupted } from './trial.ts';
import { configRecord, toSearchTrial, type TrialRecord } from './trialRecord.ts';
import { assembleTuneResults } from './tuneResults.ts';
import { verifyAtLoad, type Verification } from './verify.ts';

export interface TuneOptions {
  runId: string;
  /** The run folder: created, or continued when `resume` is set. */
  dir: string;
  resume?: boolean;
  scenarioFile?: string;
  /** Capacity planning: replicas of the recommended configuration for this rate. */
  targetRps?: number;
  headroom?: number;
  /** Stops after the current rate step; finished trials are kept and the run can be resumed. */
  signal?: AbortSignal;
  onEvent?: RunEventListener;
}

export interface TuneOutcome {
  results: RunResults;
  recommendation?: RecommendationFile;
  /** Files written in the run folder. */
  files: string[];
  /** Trials measured by this invocation (a resume does not redo those on disk). */
  newTrials: number;
}

/** The closed-loop warm-up of a freshly started server: two rate steps long, within these bounds. */
const SERVER_WARMUP_MIN_S = 0.5;
const SERVER_WARMUP_MAX_S = 3;
const SERVER_WARMUP_CONNECTIONS = 8;


export async function runTune(scenario: Scenario, spec: SweepSpec, options: TuneOptions): Promise<TuneOutcome> {
  const runStartUs = performance.now() * 1000;
  const startedAt = new Date();
  const signal = options.signal ?? new AbortController().signal;
  const emit = (event: RunEvent) => options.onEvent?.(event);
  const atS = () => (performance.now() * 1000 - runStartUs) / 1e6;
  const warnings: string[] = [];
  const notes: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    emit({ type: 'warning', atS: atS(), message });
  };
  const model = scenario.model.name;
  const fingerprint = sweepFingerprint(spec, model, scenario.target.kind);
  const store = options.resume
    ? TuneStore.resume(options.dir, fingerprint)
    : TuneStore.create(options.dir, { schema: TUNE_STATE_SCHEMA, run_id: options.runId, started_at: startedAt.toISOString(), ...(options.scenarioFile ? { scenario_file: options.scenarioFile } : {}), model, fingerprint });
  const runId = store.state.run_id;
  const exportNotes = [`measured by servebench tune, run ${runId}`];
  const orphan = store.recordedServer();
  if (orphan) {
    const stopped = await stopOrphanServer(orphan);
    if (stopped) notes.push(stopped);
    store.forgetServer();
  }
  const records: TrialRecord[] = store.trials();
  if (options.resume) notes.push(`resumed with ${records.length} finished trial${records.length === 1 ? '' : 's'} from ${options.dir}`);
  const environmentPending = collectEnvironment();

  let target: RunningTarget | undefined;
  let error: unknown;
  let newTrials = 0;
  let verification: Verification | undefined;
  let plan: ReturnType<typeof planSweep> | undefined;
  let completed = false;
  let restart: ((start: StartSettings) => Promise<Relaunched>) | undefined;
  let proof: ExportProof | undefined;
  // A server the run started is recorded, so a resume after kill -9 can stop what was left running
  // (on any other exit, its process-exit hook in runner/serverProcess.ts kills it).
  const adopt = async (started: RunningTarget): Promise<void> => {
    target = started;
    store.forgetServer();
    if (started.server && started.pid !== undefined) {
      store.recordServer({ pid: started.pid, start_ticks: await processStartTicks(started.pid), origin: started.origin });
    }
  };
  // Unless the sweep says: a TorchServe with its management API is re-configured through it (no
  // restarts); any other command target whose command line names knobs (directly, or through a
  // config file) is restarted per trial; the rest through their model management API.
  const managedTorchServe = scenario.target.kind !== 'embedded' && scenario.target.protocol === 'torchserve' && scenario.target.management_url !== undefined;
  const commandKnobs = scenario.target.kind === 'command' ? launchKnobs(scenario.target) : [];
  const reconfigure = spec.reconfigure ?? (managedTorchServe || commandKnobs.length === 0 ? 'api' : 'restart');
  const launchable = reconfigure === 'restart' ? commandKnobs : [];
  const configFile = scenario.target.kind === 'command' ? configFilePlaceholderOf(scenario.target) : undefined;
  const settingsOf = (config: ServingConfig, knobs: readonly Knob[]) => Object.fromEntries(knobs.map((k) => [k, config[k]]));
  // A server can lose a start-up race of its own now and then (PyTriton's model proxy misses its
  // socket): a second start tells that from a configuration it cannot run.
  const startTargetTwice = async (start: StartSettings = {}): Promise<RunningTarget> => {
    try {
      return await startTarget(scenario, start);
    } catch (err) {
      if (!(err instanceof RunError && err.code === 'SB_ERR_TARGET_START') || signal.aborted) throw err;
      warn(`the server failed to start (${err.message.split('\n')[0]}); starting it once more`);
      return startTarget(scenario, start);
    }
  };
  const startServer = async (): Promise<{ control: ServingControl; step: StepContext }> => {
    await adopt(await startTargetTwice());
    const running = target!;
    const requests = await buildPayloads({ origin: running.origin, target: { protocol: running.protocol, model, version: scenario.model.version }, payload: scenario.payload, timeoutMs: scenario.request_timeout_ms });
    const step: StepContext = { origin: running.origin, metricsUrl: running.metricsUrl, nextRequest: cycleRequests(requests), timeoutMs: scenario.request_timeout_ms, maxInFlight: spec.maxInFlight, serverPid: running.pid, mainThreadIsEventLoop: running.kind === 'embedded', runStartUs, signal, onEvent: options.onEvent };
    // Stops the server and starts it with these knob values (and config files), measured from then on.
    const restartServer = async (start: StartSettings): Promise<Relaunched> => {
      await target?.stop();
      const started = await startTargetTwice(start);
      await adopt(started);
      step.origin = started.origin;
      step.metricsUrl = started.metricsUrl;
      step.serverPid = started.pid;
      return { origin: started.origin, protocol: started.protocol, ...(started.managementUrl ? { managementUrl: started.managementUrl } : {}), startupMs: started.startupMs ?? 0 };
    };
    // Launch mode: each trial stops the server and starts it with its knobs on the command line.
    restart = restartServer;
    const relaunch = (config: ServingConfig) => restartServer({ settings: settingsOf(config, launchable) });
    const control = reconfigure === 'restart'
      ? launchServingControl({ model, knobs: launchable, relaunch })
      : running.protocol === 'torchserve' && running.managementUrl
        ? await connectTorchServeControl({ managementUrl: running.managementUrl, model })
        : await connectServingControl({ origin: running.origin, protocol: running.protocol, model });
    await warmServer(step, 'before the trials');
    return { control, step };
  };
  // A server just started runs its request path unoptimised (V8 compiles hot code after some
  // thousands of calls): its first rate steps read far slower than later ones (mlp at 3000 rps:
  // p99 2.3 s, then 127 ms, then 36 ms), and the first trial, the base configuration, is what every
  // gain is measured against. A short closed loop at full speed warms it before any trial.
  const warmServer = async (step: StepContext, when: string): Promise<void> => {
    const seconds = Math.min(SERVER_WARMUP_MAX_S, Math.max(SERVER_WARMUP_MIN_S, 2 * spec.stepS));
    const warm = await probeCapacity({ origin: step.origin, nextRequest: step.nextRequest, durationS: seconds, connections: SERVER_WARMUP_CONNECTIONS, timeoutMs: step.timeoutMs, signal });
    notes.push(`warmed the server ${when}: ${warm.duration_s.toFixed(1)} s closed loop over ${warm.connections} connections, ${warm.ok} of ${warm.sent} requests ok (${Math.round(warm.throughput_rps)} rps)`);
  };
  // The export for the target's own server, loaded into it as a user would, warmed like any fresh
  // server, and measured again. Ctrl-C skips it: the search's recommendation stands without it.
  const proveExport = async (o: { name: string; chosen: ServingConfig; searchCapacityRps: number; noise: number; step: StepContext }): Promise<ExportProof | undefined> => {
    try {
      const text = await readFile(join(options.dir, o.name), 'utf8');
      const started = await restart!({ settings: settingsOf(o.chosen, KNOBS), files: { [configFile!]: text } });
      const effective = (await servingReadBack(started, model)).knobs;
      await warmServer(o.step, `started with ${o.name} for the proof`);
      const record = await runTrial({ spec, control: AS_LOADED, step: o.step }, { index: records.length, config: o.chosen, reason: `proof: ${o.name} loaded into the server`, startRps: o.searchCapacityRps });
      return exportProof({ file: o.name, chosen: o.chosen, searchCapacityRps: o.searchCapacityRps, noise: o.noise, precision: spec.precision, record, effective, startupMs: started.startupMs });
    } catch (err) {
      if (err instanceof TrialInterrupted || signal.aborted) {
        notes.push(`the proof of ${o.name} was interrupted: the recommendation stands on the search alone`);
        return undefined;
      }
      return failedProof(o.name, o.searchCapacityRps, (err as Error).message ?? String(err));
    }
  };
  const serverDied = async (): Promise<boolean> => (target?.server ? Promise.race([target.server.exited.then(() => true), Promise.resolve(false)]) : false);

  try {
    // Static: refused before a server is started.
    if (reconfigure === 'restart' && scenario.target.kind !== 'command') throw new TuneError('SB_ERR_KNOBS_NOT_SWEEPABLE', `sweep.reconfigure: restart needs a target the tune starts itself (kind: command), not a ${scenario.target.kind} target`);
    if (reconfigure === 'restart') checkLaunchSweepable(sweptKnobs(spec.knobs), launchable);
    else if (managedTorchServe) checkTorchServeSweepable(sweptKnobs(spec.knobs));
    let { control, step } = await startServer();
    emit({ type: 'run-start', scenario: scenario.name, target: target!.origin, model, phases: [] });
    plan = planSweep(spec, baseConfig(scenario, await control.current()));
    checkSweepable(control, spec.knobs, target!.origin, scenario.target.kind === 'embedded');
    if (!control.canReconfigure) notes.push(`${target!.origin} cannot be re-configured: measured as it is`);

    for (;;) {
      const proposal = plan.strategy.propose(records.map(toSearchTrial));
      if (proposal.done) {
        notes.push(`${plan.strategy.name} search: ${proposal.reason}`);
        completed = true;
        break;
      }
      if (signal.aborted) break;
      if (await serverDied()) {
        const exit = await target!.server!.exited;
        warn(`the server exited (${exit.signal ?? `code ${exit.code}`}) between trials; ${launchable.length > 0 ? 'the next trial starts it again' : 'starting a new one'}`);
        await target!.stop(); // its process group and {tmp} folder go too
        if (launchable.length === 0) ({ control, step } = await startServer());
      }
      const index = records.length;
      const total = Math.max(plan.plannedTrials, index + 1);
      emit({ type: 'trial-start', index, total, config: configRecord(proposal.config), best: bestSoFar(records), etaS: etaSeconds(records, total - index) });
      let record: TrialRecord;
      try {
        record = await runTrial({ spec, control, step }, { index, config: proposal.config, reason: proposal.reason, startRps: searchStartRate(records, spec) });
      } catch (err) {
        if (err instanceof TrialInterrupted) break;
        // A configuration the server refuses, runs otherwise than asked, or (launch mode) will not
        // start with is a finding about that configuration; the tune goes on with the next.
        const refused = err instanceof TuneError && (err.code === 'SB_ERR_KNOB_NOT_APPLIED' || err.code === 'SB_ERR_CONFIG_REFUSED');
        if (!(refused || (launchable.length > 0 && err instanceof RunError))) throw err;
        record = failedTrial(index, proposal.config, proposal.reason, err.message);
      }
      store.appendTrial(record);
      records.push(record);
      newTrials++;
      for (const w of record.warnings) warn(`trial ${index + 1}: ${w}`);
      emit({ type: 'trial-end', index, total, config: configRecord(record.config), capacityRps: record.capacity_rps > 0 ? record.capacity_rps : null, p99Us: record.p99_us, best: bestSoFar(records), etaS: etaSeconds(records, total - index - 1) });
    }

    if (completed && records.length > 0 && !signal.aborted) {
      const { chosen, recommendation, file, exports } = recommend({ runId, records, spec, base: plan.start, model, version: scenario.model.version, notes: exportNotes });
      if (recommendation.capacity_rps > 0) {
        verification = await verifyAtLoad({ step, control, config: chosen, capacityRps: recommendation.capacity_rps, stepS: spec.stepS, warmupS: spec.warmupS, model, onEvent: options.onEvent });
        for (const w of verification.warnings) warn(w);
      }
      // min-p99 measures one rate: its "capacity" is that rate or nothing, no figure to prove.
      if (configFile && recommendation.capacity_rps > 0 && spec.objective === 'max-rate' && !signal.aborted) {
        const name = CONFIG_FILE_PLACEHOLDERS[configFile];
        await writeFileAtomic(join(options.dir, name), exports[name]!);
        proof = await proveExport({ name, chosen, searchCapacityRps: recommendation.capacity_rps, noise: file.noise, step });
        if (proof?.agrees) notes.push(`proof: ${describeProof(proof)}`);
        else if (proof) warn(`proof: ${describeProof(proof)}`);
      }
    }
  } catch (err) {
    error = err;
  } finally {
    await (target as RunningTarget | undefined)?.stop();
    store.forgetServer();
  }

  const interrupted = signal.aborted && !completed;
  if (interrupted) notes.push(`interrupted after ${records.length} trials; continue with: servebench tune ${options.scenarioFile ?? 'SCENARIO'} --resume ${options.dir}`);
  const finished = completed && records.length > 0 && error === undefined && !signal.aborted;
  const rec = finished && plan
    ? recommend({ runId, records, spec, base: plan.start, baseIsDefault: plan.baseInSpace, model, version: scenario.model.version, atLoad: verification?.checks, targetRps: options.targetRps, headroom: options.headroom, encoding: scenario.payload.encoding, notes: exportNotes, ...(proof ? { proof } : {}) })
    : undefined;
  if (rec?.recommendation.verification) warnings.push(`recommendation: ${rec.recommendation.verification}`);
  // Said once, so a blank column reads "not measured", not "not the limit".
  if (scenario.target.kind === 'embedded' && records.some((r) => r.server_cpu_percent !== undefined) && !records.some((r) => r.server_main_thread_cpu_percent !== undefined)) {
    notes.push("the server's main-thread CPU was not measured (it is read from Linux's /proc/<pid>/task/<pid>/stat): whether its event loop bounded capacity was not judged");
  }
  const phases: PhaseResult[] = verification?.phases ?? [];
  const rows: SecondRow[] = verification?.rows ?? [];
  const tgt = target as RunningTarget | undefined;
  const results = assembleTuneResults({
    runId,
    startedAt,
    scenarioFile: options.scenarioFile,
    scenario,
    spec,
    target: describeTarget(scenario, tgt ? [tgt] : []),
    serverConfig: verification?.serverConfig ?? (records.at(-1)?.effective_serving ? { effective_serving: records.at(-1)!.effective_serving } : undefined),
    environment: await environmentPending,
    records,
    phases,
    rows,
    recommendation: rec?.recommendation,
    defaultCapacityRps: rec?.file.default_capacity_rps,
    warnings,
    notes,
    error: error !== undefined ? `${(error as Error).message ?? String(error)} (finished trials are kept: resume with --resume ${options.dir})` : interrupted ? 'interrupted before the search finished' : undefined,
  });

  const files = await writeRunFolder(options.dir, results);
  if (rec) {
    await writeFileAtomic(join(options.dir, 'recommendation.json'), `${JSON.stringify(rec.file, null, 2)}\n`);
    files.push(join(options.dir, 'recommendation.json'));
    for (const [name, text] of Object.entries(rec.exports)) {
      await writeFileAtomic(join(options.dir, name), text);
      files.push(join(options.dir, name));
    }
  }
  emit({ type: 'run-end', results });
  return { results, ...(rec ? { recommendation: rec.file } : {}), files, newTrials };
}
