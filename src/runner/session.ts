// One run session: what run, soak, tune (and gate, through run) share around their load: the run's
// clock, its events and warnings, the environment captured alongside, the system sampler, and the
// target's life (start, restart after a death or for a trial, stop). Orphan protection comes with
// every start: a launched server is leashed to this process (serverProcess.ts, orphan.ts).
import { buildPayloads, cycleRequests } from '../load/payload.ts';
import type { RequestTemplate } from '../load/types.ts';
import { collectEnvironment } from '../measure/environment.ts';
import { SystemSampler, type SystemSamplerOptions } from '../measure/systemSampler.ts';
import type { RunEvent, RunEventListener } from '../contract/events.ts';
import type { EnvironmentInfo, RunMarker, RunTarget, SystemSample } from '../contract/results.ts';
import type { Scenario } from '../contract/scenario.ts';
import type { StartSettings } from './commandServer.ts';
import type { ServerExit } from './serverProcess.ts';
import { describeTarget, startTarget, type RunningTarget } from './target.ts';
import { isServebenchError } from '../contract/errors.ts';

export interface SessionOptions {
  /** Stops the session's work gracefully; the session itself only reads it. */
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  /** The session's t = 0 at this wall-clock time (ms since the epoch) instead of now: agents count from T0. */
  startAtMs?: number;
}

export class RunSession {
  readonly startedAt = new Date();
  /** performance.now() in µs at the session's start: t = 0 of events and samples. */
  readonly runStartUs: number;
  readonly signal: AbortSignal;
  readonly warnings: string[] = [];
  readonly notes: string[] = [];
  /** Fault markers, kept for the results so a report can draw them after the fact. */
  readonly markers: RunMarker[] = [];
  /** Every target started, in order. */
  readonly started: RunningTarget[] = [];
  private environmentPending?: Promise<EnvironmentInfo>;
  private sampler?: SystemSampler;
  private running?: RunningTarget;

  constructor(
    readonly scenario: Scenario,
    private readonly options: SessionOptions = {},
  ) {
    this.signal = options.signal ?? new AbortController().signal;
    this.runStartUs = performance.now() * 1000 + (options.startAtMs !== undefined ? (options.startAtMs - Date.now()) * 1000 : 0);
  }

  /** Seconds since the session started. */
  atS(): number {
    return (performance.now() * 1000 - this.runStartUs) / 1e6;
  }

  readonly emit = (event: RunEvent): void => {
    if (event.type === 'marker') this.markers.push({ t: Math.round(event.atS * 1000) / 1000, kind: event.kind, ...(event.detail !== undefined ? { detail: event.detail } : {}) });
    this.options.onEvent?.(event);
  };

  /** A warning for the results and the live view. */
  readonly warn = (message: string): void => {
    this.warnings.push(message);
    this.emit({ type: 'warning', atS: this.atS(), message });
  };

  /** The static environment, collected once, in the background from the first call. */
  environment(): Promise<EnvironmentInfo> {
    return (this.environmentPending ??= collectEnvironment());
  }

  /** The target now running (or the last one started). */
  get target(): RunningTarget | undefined {
    return this.running;
  }

  /**
   * Starts the scenario's target (a command target with this start's knobs and files). With
   * `retryOnce`, a start that fails is tried once more: a server can lose a start-up race of its
   * own now and then (PyTriton's model proxy misses its socket), and a second start tells that
   * from a configuration it cannot run.
   */
  async startTarget(start: StartSettings = {}, o: { retryOnce?: boolean } = {}): Promise<RunningTarget> {
    let target: RunningTarget;
    try {
      target = await startTarget(this.scenario, start);
    } catch (err) {
      if (!o.retryOnce || !isServebenchError(err, 'SB_ERR_TARGET_START') || this.signal.aborted) throw err;
      this.warn(`the server failed to start (${err.message.split('\n')[0]}); starting it once more`);
      target = await startTarget(this.scenario, start);
    }
    this.started.push(target);
    this.running = target;
    return target;
  }

  /** Stops the running target and starts it again (a tuning trial's knobs, a dead server's replacement). */
  async restartTarget(start: StartSettings = {}, o: { retryOnce?: boolean } = {}): Promise<RunningTarget> {
    await this.running?.stop(); // its process group and {tmp} folder go too
    return this.startTarget(start, o);
  }

  /** How a started server (embedded, command) ended, when it has; undefined while it runs. */
  async serverExit(): Promise<ServerExit | undefined> {
    const server = this.running?.server;
    return server ? Promise.race([server.exited, Promise.resolve(undefined)]) : undefined;
  }

  /** A started server that died is reported and started again; `when` says where the run stands. */
  async ensureTarget(when: string, stillSampled = ' (server CPU and memory samples stay with the first one)'): Promise<RunningTarget> {
    const exit = await this.serverExit();
    if (!exit) return this.running!;
    this.warn(`the server exited (${exit.signal ?? `code ${exit.code}`}) ${when}; starting it again${stillSampled}`);
    return this.restartTarget();
  }

  /** The scenario's payloads as requests for the running target, cycled. */
  async requests(): Promise<() => RequestTemplate> {
    const target = this.running!;
    const { model, payload, request_timeout_ms: timeoutMs } = this.scenario;
    const requests = await buildPayloads({ origin: target.origin, target: { protocol: target.protocol, model: model.name, version: model.version }, payload, timeoutMs });
    return cycleRequests(requests);
  }

  /** A sampler of the running target and the machine; its notes go to the session's. */
  systemSampler(o: Partial<Pick<SystemSamplerOptions, 'intervalMs' | 'gpu' | 'runStartUs' | 'onNote'>> = {}): SystemSampler {
    const target = this.running!;
    return new SystemSampler({ runStartUs: this.runStartUs, intervalMs: this.scenario.sampling.interval_ms, gpu: true, onNote: (note) => this.notes.push(note), ...o, serverPid: target.pid, metricsUrl: target.metricsUrl });
  }

  /** Samples the running target every scenario.sampling interval until close(). */
  async startSampling(): Promise<SystemSampler> {
    this.sampler = this.systemSampler();
    await this.sampler.start();
    return this.sampler;
  }

  /** The results' `target` section: every target started, or only the last. */
  describeTarget(which: 'all' | 'last' = 'all'): RunTarget {
    return describeTarget(this.scenario, which === 'all' ? this.started : this.started.slice(-1));
  }

  /** Stops the sampler and the target; the system samples taken. Safe on any path, and twice. */
  async close(): Promise<SystemSample[]> {
    const system = (await this.sampler?.stop()) ?? [];
    this.sampler = undefined;
    await this.running?.stop();
    return system;
  }
}
