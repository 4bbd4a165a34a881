// A tuning run, as its steps: open (or resume) the run folder, start one server, then trial after
// trial: the strategy proposes a configuration, the model is reloaded with it, its capacity is
// searched, and the trial is appended to disk at once. Then the chosen configuration is measured at
// 50/80/100% of its capacity, and results, recommendation and server configs are written.
// Whatever happens, the server is stopped and every finished trial is kept.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PhaseResult, RunResults, SecondRow } from '../contract/results.ts';
import type { RunEventListener } from '../contract/events.ts';
import type { Scenario } from '../contract/scenario.ts';
import { writeFileAtomic, writeRunFolder } from '../report/writeRun.ts';
import { RunSession } from '../runner/session.ts';
import { CONFIG_FILE_PLACEHOLDERS, type ConfigFilePlaceholder } from '../scenario/placeholders.ts';
import { KNOBS, type ServingConfig } from '../serving/knobs.ts';
import { servingReadBack } from './launchControl.ts';
import { baseConfig, bestSoFar, etaSeconds, planSweep, searchStartRate, type SweepPlan } from './plan.ts';
import { AS_LOADED, describeProof, exportProof, failedProof, type ExportProof } from './proof.ts';
import { recommend, type RecommendationFile } from './recommend.ts';
import { sweepFingerprint, TuneStore, TUNE_STATE_SCHEMA } from './store.ts';
import type { SweepSpec } from './sweepSection.ts';
import { failedTrial, runTrial } from './trial.ts';
import { configRecord, toSearchTrial, type TrialRecord } from './trialRecord.ts';
import { checkTuneMode, settingsOf, TunedServer, tuneMode } from './tunedServer.ts';
import { assembleTuneResults } from './tuneResults.ts';
import { verifyAtLoad, type Verification } from './verify.ts';
import { isServebenchError } from '../contract/errors.ts';

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

/** What a tune finds as it goes, for its results whatever stage it reached. */
interface Found {
  records: TrialRecord[];
  newTrials: number;
  plan?: SweepPlan;
  completed: boolean;
  verification?: Verification;
  proof?: ExportProof;
}

interface Tuning {
  session: RunSession;
  spec: SweepSpec;
  options: TuneOptions;
  store: TuneStore;
  server: TunedServer;
  found: Found;
  exportNotes: string[];
}

export async function runTune(scenario: Scenario, spec: SweepSpec, options: TuneOptions): Promise<TuneOutcome> {
  const session = new RunSession(scenario, options);
  const store = openStore(scenario, spec, options, session.startedAt);
  const records: TrialRecord[] = store.trials();
  if (options.resume) session.notes.push(`resumed with ${records.length} finished trial${records.length === 1 ? '' : 's'} from ${options.dir}`);
  void session.environment();
  const mode = tuneMode(scenario, spec);
  const tuning: Tuning = { session, spec, options, store, server: new TunedServer(session, spec, mode), found: { records, newTrials: 0, completed: false }, exportNotes: [`measured by servebench tune, run ${store.state.run_id}`] };
  let error: unknown;
  try {
    checkTuneMode(scenario, spec, mode);
    await tuning.server.start();
    session.emit({ type: 'run-start', scenario: scenario.name, target: session.target!.origin, model: scenario.model.name, phases: [] });
    tuning.found.plan = planSweep(spec, baseConfig(scenario, await tuning.server.control.current()));
    tuning.server.checkSweepable();
    await searchTrials(tuning, tuning.found.plan);
    if (tuning.found.completed && records.length > 0 && !session.signal.aborted) await verifyAndProve(tuning, tuning.found.plan);
  } catch (err) {
    error = err;
  } finally {
    await session.close();
  }
  return finish(tuning, error);
}

function openStore(scenario: Scenario, spec: SweepSpec, options: TuneOptions, startedAt: Date): TuneStore {
  const model = scenario.model.name;
  const fingerprint = sweepFingerprint(spec, model, scenario.target.kind);
  return options.resume
    ? TuneStore.resume(options.dir, fingerprint)
    : TuneStore.create(options.dir, { schema: TUNE_STATE_SCHEMA, run_id: options.runId, started_at: startedAt.toISOString(), ...(options.scenarioFile ? { scenario_file: options.scenarioFile } : {}), model, fingerprint });
}

/** Trial after trial until the strategy is done or a stop is asked; each finished trial goes to disk at once. */
async function searchTrials(t: Tuning, plan: SweepPlan): Promise<void> {
  const { session, spec, store, server, found } = t;
  const { records } = found;
  for (;;) {
    const proposal = plan.strategy.propose(records.map(toSearchTrial));
    if (proposal.done) {
      session.notes.push(`${plan.strategy.name} search: ${proposal.reason}`);
      found.completed = true;
      return;
    }
    if (session.signal.aborted) return;
    await server.replaceIfDead();
    const index = records.length;
    const total = Math.max(plan.plannedTrials, index + 1);
    session.emit({ type: 'trial-start', index, total, config: configRecord(proposal.config), best: bestSoFar(records), etaS: etaSeconds(records, total - index) });
    let record: TrialRecord;
    try {
      record = await runTrial({ spec, control: server.control, step: server.step }, { index, config: proposal.config, reason: proposal.reason, startRps: searchStartRate(records, spec) });
    } catch (err) {
      if (isServebenchError(err, 'SB_ERR_TRIAL_INTERRUPTED')) return;
      // A configuration the server refuses, runs otherwise than asked, or (launch mode) will not
      // start with is a finding about that configuration; the tune goes on with the next.
      const refused = isServebenchError(err, 'SB_ERR_KNOB_NOT_APPLIED', 'SB_ERR_CONFIG_REFUSED');
      if (!(refused || (server.mode.launchable.length > 0 && isServebenchError(err, 'SB_ERR_TARGET_START', 'SB_ERR_TARGET_NOT_READY')))) throw err;
      record = failedTrial(index, proposal.config, proposal.reason, err.message);
    }
    store.appendTrial(record);
    records.push(record);
    found.newTrials++;
    for (const w of record.warnings) session.warn(`trial ${index + 1}: ${w}`);
    session.emit({ type: 'trial-end', index, total, config: configRecord(record.config), capacityRps: record.capacity_rps > 0 ? record.capacity_rps : null, p99Us: record.p99_us, best: bestSoFar(records), etaS: etaSeconds(records, total - index - 1) });
  }
}

/** The chosen configuration measured at 50/80/100% of its capacity, and its export proved. */
async function verifyAndProve(t: Tuning, plan: SweepPlan): Promise<void> {
  const { session, spec, options, server, found } = t;
  const model = session.scenario.model.name;
  const { chosen, recommendation, file, exports } = recommend({ runId: t.store.state.run_id, records: found.records, spec, base: plan.start, model, version: session.scenario.model.version, notes: t.exportNotes });
  if (recommendation.capacity_rps > 0) {
    found.verification = await verifyAtLoad({ step: server.step, control: server.control, config: chosen, capacityRps: recommendation.capacity_rps, stepS: spec.stepS, warmupS: spec.warmupS, model, onEvent: options.onEvent });
    for (const w of found.verification.warnings) session.warn(w);
  }
  // min-p99 measures one rate: its "capacity" is that rate or nothing, no figure to prove.
  const configFile = server.mode.configFile;
  if (configFile && recommendation.capacity_rps > 0 && spec.objective === 'max-rate' && !session.signal.aborted) {
    const name = CONFIG_FILE_PLACEHOLDERS[configFile];
    await writeFileAtomic(join(options.dir, name), exports[name]!);
    found.proof = await proveExport(t, { name, configFile, chosen, searchCapacityRps: recommendation.capacity_rps, noise: file.noise });
    if (found.proof?.agrees) session.notes.push(`proof: ${describeProof(found.proof)}`);
    else if (found.proof) session.warn(`proof: ${describeProof(found.proof)}`);
  }
}

/**
 * The export for the target's own server, loaded into it as a user would, warmed like any fresh
 * server, and measured again. Ctrl-C skips it: the search's recommendation stands without it.
 */
async function proveExport(t: Tuning, o: { name: string; configFile: ConfigFilePlaceholder; chosen: ServingConfig; searchCapacityRps: number; noise: number }): Promise<ExportProof | undefined> {
  const { session, spec, server } = t;
  try {
    const text = await readFile(join(t.options.dir, o.name), 'utf8');
    const started = await server.restart({ settings: settingsOf(o.chosen, KNOBS), files: { [o.configFile]: text } });
    const effective = (await servingReadBack(started, session.scenario.model.name)).knobs;
    await server.warm(`started with ${o.name} for the proof`);
    const record = await runTrial({ spec, control: AS_LOADED, step: server.step }, { index: t.found.records.length, config: o.chosen, reason: `proof: ${o.name} loaded into the server`, startRps: o.searchCapacityRps });
    return exportProof({ file: o.name, chosen: o.chosen, searchCapacityRps: o.searchCapacityRps, noise: o.noise, precision: spec.precision, record, effective, startupMs: started.startupMs });
  } catch (err) {
    if (isServebenchError(err, 'SB_ERR_TRIAL_INTERRUPTED') || session.signal.aborted) {
      session.notes.push(`the proof of ${o.name} was interrupted: the recommendation stands on the search alone`);
      return undefined;
    }
    return failedProof(o.name, o.searchCapacityRps, (err as Error).message ?? String(err));
  }
}

/** Results, recommendation and server configs, written into the run folder. */
async function finish(t: Tuning, error: unknown): Promise<TuneOutcome> {
  const { session, spec, options, found } = t;
  const { scenario, signal, notes, warnings } = session;
  const { records, plan, verification, proof } = found;
  const model = scenario.model.name;
  const interrupted = signal.aborted && !found.completed;
  if (interrupted) notes.push(`interrupted after ${records.length} trials; continue with: servebench tune ${options.scenarioFile ?? 'SCENARIO'} --resume ${options.dir}`);
  const finished = found.completed && records.length > 0 && error === undefined && !signal.aborted;
  const rec = finished && plan
    ? recommend({ runId: t.store.state.run_id, records, spec, base: plan.start, baseIsDefault: plan.baseInSpace, model, version: scenario.model.version, atLoad: verification?.checks, targetRps: options.targetRps, headroom: options.headroom, encoding: scenario.payload.encoding, notes: t.exportNotes, ...(proof ? { proof } : {}) })
    : undefined;
  if (rec?.recommendation.verification) warnings.push(`recommendation: ${rec.recommendation.verification}`);
  // Said once, so a blank column reads "not measured", not "not the limit".
  if (scenario.target.kind === 'embedded' && records.some((r) => r.server_cpu_percent !== undefined) && !records.some((r) => r.server_main_thread_cpu_percent !== undefined)) {
    notes.push("the server's main-thread CPU was not measured (it is read from Linux's /proc/<pid>/task/<pid>/stat): whether its event loop bounded capacity was not judged");
  }
  const phases: PhaseResult[] = verification?.phases ?? [];
  const rows: SecondRow[] = verification?.rows ?? [];
  const results = assembleTuneResults({
    runId: t.store.state.run_id,
    startedAt: session.startedAt,
    scenarioFile: options.scenarioFile,
    scenario,
    spec,
    target: session.describeTarget('last'),
    serverConfig: verification?.serverConfig ?? (records.at(-1)?.effective_serving ? { effective_serving: records.at(-1)!.effective_serving } : undefined),
    environment: await session.environment(),
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
  session.emit({ type: 'run-end', results });
  return { results, ...(rec ? { recommendation: rec.file } : {}), files, newTrials: found.newTrials };
}
