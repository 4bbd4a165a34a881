// A soak, as its steps: start the target (in a run session), learn the model, pick the rate
// (given, or half a probed capacity), write soak-meta.json, hold the load while journaling each
// interval, stop the target, then rebuild the results from the folder like any reader would.
// `resumeSoak` continues a killed soak from its folder for the duration it still owes.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RequestTemplate } from '../load/types.ts';
import type { RunResults } from '../contract/results.ts';
import { writeRunFolder } from '../report/writeRun.ts';
import type { RunEventListener } from '../contract/events.ts';
import { RunSession } from '../runner/session.ts';
import { effectiveServerConfig } from '../runner/target.ts';
import type { Scenario } from '../contract/scenario.ts';
import { loadSoakFolder, readSoakFolder } from './folder.ts';
import { JournalWriter, SOAK_JOURNAL_FILE, type SoakMeta, writeSoakMeta, SOAK_META_SCHEMA } from './journal.ts';
import { probeCapacity } from './probe.ts';
import { runSegment } from './segment.ts';
import type { SoakSettings } from './settings.ts';
import { parseSoakThreshold } from './thresholds.ts';
import { ServebenchError } from '../contract/errors.ts';

export interface SoakOptions {
  /** The run folder: soak-meta.json, soak.jsonl, then results.json and the CSVs. */
  outDir: string;
  runId: string;
  scenarioFile?: string;
  /** Where settings came from, recorded in soak-meta.json. */
  sources?: { rate?: 'flag' | 'scenario'; memoryLimit?: 'flag' | 'scenario' };
  /** Ends the soak early, gracefully: the interval in progress is kept, results are written. */
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  /** One line of information for the person watching (the probed rate...). */
  onInfo?: (line: string) => void;
}

interface Started {
  session: RunSession;
  nextRequest: () => RequestTemplate;
}

/** Starts the scenario's target in `session` and learns its model; stops it again on failure. */
async function start(session: RunSession): Promise<Started> {
  try {
    await session.startTarget();
    return { session, nextRequest: await session.requests() };
  } catch (err) {
    await session.close();
    throw err;
  }
}

function leakLimit(settings: SoakSettings): number {
  return settings.thresholds.map(parseSoakThreshold).find((t) => t.metric === 'rss_slope')?.value ?? 5;
}

/** Runs one segment of the soak in `dir`, journals its end, stops the target, and writes the results. */
async function holdAndFinish(dir: string, meta: SoakMeta, started: Started, segment: { index: number; t0: number; loadBeforeS: number }): Promise<RunResults> {
  const remainingS = Math.max(0, meta.settings.duration_s - segment.loadBeforeS);
  const journal = await JournalWriter.open(dir);
  const { session } = started;
  try {
    const target = session.target!;
    await journal.append({ type: 'segment', segment: segment.index, t: segment.t0, at: new Date().toISOString(), harness_pid: process.pid, ...(target.pid !== undefined ? { server_pid: target.pid } : {}), origin: target.origin, rate: meta.settings.rate, remaining_s: remainingS });
    session.emit({ type: 'run-start', scenario: meta.scenario.name, target: target.origin, model: meta.scenario.model.name, phases: [{ name: 'soak', kind: 'soak', plannedSeconds: remainingS }] });
    let end: Awaited<ReturnType<typeof runSegment>> = { reason: 'duration', lastT: segment.t0 };
    if (remainingS > 0) {
      end = await runSegment({
        segment: segment.index, session, nextRequest: started.nextRequest, rate: meta.settings.rate, maxInFlight: meta.settings.max_in_flight,
        timeoutMs: meta.scenario.request_timeout_ms, intervalS: meta.settings.interval_s, warmupS: meta.settings.warmup_s, plannedS: meta.settings.duration_s,
        remainingS, loadBeforeS: segment.loadBeforeS, t0: segment.t0, leakMbPerHour: leakLimit(meta.settings), gpu: meta.environment.gpus.length > 0,
        journal,
      }).catch((err: Error) => ({ reason: 'error' as const, detail: err.message, lastT: segment.t0 }));
    }
    await journal.append({ type: 'end', t: end.lastT, at: new Date().toISOString(), completed: end.reason === 'duration', reason: end.reason, ...(end.detail ? { detail: end.detail } : {}) });
  } finally {
    await journal.close();
    await session.close();
  }
  const results = await loadSoakFolder(dir);
  await writeRunFolder(dir, results);
  session.emit({ type: 'run-end', results });
  return results;
}

/** A new soak of `scenario` into options.outDir (which must not hold a soak already). */
export async function runSoak(scenario: Scenario, settings: SoakSettings, options: SoakOptions): Promise<RunResults> {
  const dir = options.outDir;
  if (existsSync(join(dir, SOAK_JOURNAL_FILE))) throw new ServebenchError('SB_ERR_SOAK_FOLDER', `${dir} already holds a soak: continue it with --resume ${dir}, or choose another --out`);
  await mkdir(dir, { recursive: true });
  const session = new RunSession(scenario, options);
  void session.environment();
  const started = await start(session);
  let meta: SoakMeta;
  try {
    const target = session.target!;
    let rate = settings.rate;
    let probe: SoakMeta['probe'];
    if (rate === undefined) {
      options.onInfo?.(`no rate given: measuring capacity with a ${settings.probe_duration_s}s closed-loop probe (${settings.probe_connections} connections)`);
      const measured = await probeCapacity({ origin: target.origin, nextRequest: started.nextRequest, durationS: settings.probe_duration_s, connections: settings.probe_connections, timeoutMs: scenario.request_timeout_ms, signal: options.signal });
      rate = Math.max(1, Math.round(measured.throughput_rps * settings.capacity_share));
      probe = { duration_s: measured.duration_s, connections: measured.connections, throughput_rps: measured.throughput_rps, share: settings.capacity_share };
      options.onInfo?.(`capacity ${measured.throughput_rps.toFixed(0)}/s measured; soaking at ${Math.round(settings.capacity_share * 100)}% of it: ${rate}/s (give --rate ${rate} to skip the probe next time)`);
    }
    const environment = await session.environment();
    const memoryLimit = settings.memory_limit_bytes ?? environment.memory_bytes;
    meta = {
      schema: SOAK_META_SCHEMA,
      run_id: options.runId,
      started_at: new Date().toISOString(),
      ...(options.scenarioFile ? { scenario_file: options.scenarioFile } : {}),
      scenario,
      settings: { ...settings, rate },
      rate_source: probe ? 'probe' : (options.sources?.rate ?? 'scenario'),
      ...(probe ? { probe } : {}),
      memory_limit_bytes: memoryLimit,
      memory_limit_source: settings.memory_limit_bytes === undefined ? 'machine' : (options.sources?.memoryLimit ?? 'scenario'),
      target: session.describeTarget(),
      ...(await effectiveServerConfig(target, scenario).then((c) => (c ? { server_config: c } : {}))),
      environment,
      harness_pid: process.pid,
      ...(target.pid !== undefined ? { server_pid: target.pid } : {}),
    };
    await writeSoakMeta(dir, meta);
  } catch (err) {
    await session.close();
    throw err;
  }
  return holdAndFinish(dir, meta, started, { index: 0, t0: 0, loadBeforeS: 0 });
}

/** Whether `pid` is a live servebench process (its soak still running), not a recycled PID. */
async function isServebench(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('servebench');
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * Continues the soak in `dir` for the load it still owes, with a fresh server, appending to the
 * same soak.jsonl as a new segment. Time keeps counting from the soak's first start, so the time
 * it was down shows as a gap in t; the interval in progress when it was killed is lost.
 */
export type ResumeOptions = Omit<SoakOptions, 'outDir' | 'runId' | 'scenarioFile' | 'sources'>;

export async function resumeSoak(dir: string, options: ResumeOptions): Promise<RunResults> {
  const contents = await readSoakFolder(dir);
  const { meta } = contents;
  if (contents.end?.completed) throw new ServebenchError('SB_ERR_SOAK_RESUME', `${dir}: this soak already held its full ${meta.settings.duration_s}s; start a new one instead`);
  const last = contents.segments.at(-1);
  if (last && last.harness_pid !== process.pid && !contents.end && (await isServebench(last.harness_pid))) {
    throw new ServebenchError('SB_ERR_SOAK_RESUME', `${dir}: its soak is still running (pid ${last.harness_pid}); stop it first`);
  }
  const loadBeforeS = contents.samples.at(-1)?.load_s ?? 0;
  const remaining = meta.settings.duration_s - loadBeforeS;
  options.onInfo?.(`resuming ${meta.run_id}: ${loadBeforeS.toFixed(0)}s of ${meta.settings.duration_s}s held; ${Math.max(0, remaining).toFixed(0)}s to go at ${meta.settings.rate}/s with a fresh server`);
  const started = await start(new RunSession(meta.scenario, options));
  const t0 = (Date.now() - Date.parse(meta.started_at)) / 1000;
  return holdAndFinish(dir, meta, started, { index: contents.segments.length, t0, loadBeforeS });
}
