// The server a tune measures, through the run session: how it is re-configured between trials
// (management API, TorchServe's management API, or a restart with the knobs on its command line),
// its start, its restarts, and its warm-up before anything is measured.
import type { Knob, ServingConfig } from '../serving/knobs.ts';
import type { ConfigFilePlaceholder } from '../scenario/placeholders.ts';
import type { Scenario } from '../contract/scenario.ts';
import type { StartSettings } from '../runner/commandServer.ts';
import type { RunSession } from '../runner/session.ts';
import { probeCapacity } from '../soak/probe.ts';
import { checkLaunchSweepable, configFilePlaceholderOf, launchKnobs, launchServingControl, type Relaunched } from './launchControl.ts';
import type { StepContext } from './rateStep.ts';
import { checkSweepable, connectServingControl, sweptKnobs, type ServingControl } from './serving.ts';
import type { SweepSpec } from './sweepSection.ts';
import { checkTorchServeSweepable, connectTorchServeControl } from './torchserveControl.ts';
import { ServebenchError } from '../contract/errors.ts';

/** The closed-loop warm-up of a freshly started server: two rate steps long, within these bounds. */
const SERVER_WARMUP_MIN_S = 0.5;
const SERVER_WARMUP_MAX_S = 3;
const SERVER_WARMUP_CONNECTIONS = 8;

/** How the tune re-configures the target between trials. */
export interface TuneMode {
  reconfigure: 'api' | 'restart';
  /** Restart mode: the knobs the command line takes. */
  launchable: Knob[];
  managedTorchServe: boolean;
  /** The config-file placeholder the command line uses, if any (the export proved by loading it). */
  configFile?: ConfigFilePlaceholder;
}

/**
 * Unless the sweep says: a TorchServe with its management API is re-configured through it (no
 * restarts); any other command target whose command line names knobs (directly, or through a
 * config file) is restarted per trial; the rest through their model management API.
 */
export function tuneMode(scenario: Scenario, spec: SweepSpec): TuneMode {
  const managedTorchServe = scenario.target.kind !== 'embedded' && scenario.target.protocol === 'torchserve' && scenario.target.management_url !== undefined;
  const commandKnobs = scenario.target.kind === 'command' ? launchKnobs(scenario.target) : [];
  const reconfigure = spec.reconfigure ?? (managedTorchServe || commandKnobs.length === 0 ? 'api' : 'restart');
  return { reconfigure, launchable: reconfigure === 'restart' ? commandKnobs : [], managedTorchServe, configFile: scenario.target.kind === 'command' ? configFilePlaceholderOf(scenario.target) : undefined };
}

/** Static refusals, before a server is started. */
export function checkTuneMode(scenario: Scenario, spec: SweepSpec, mode: TuneMode): void {
  if (mode.reconfigure === 'restart' && scenario.target.kind !== 'command') throw new ServebenchError('SB_ERR_KNOBS_NOT_SWEEPABLE', `sweep.reconfigure: restart needs a target the tune starts itself (kind: command), not a ${scenario.target.kind} target`);
  if (mode.reconfigure === 'restart') checkLaunchSweepable(sweptKnobs(spec.knobs), mode.launchable);
  else if (mode.managedTorchServe) checkTorchServeSweepable(sweptKnobs(spec.knobs));
}

export const settingsOf = (config: ServingConfig, knobs: readonly Knob[]) => Object.fromEntries(knobs.map((k) => [k, config[k]]));

export class TunedServer {
  control!: ServingControl;
  step!: StepContext;

  constructor(
    private readonly session: RunSession,
    private readonly spec: SweepSpec,
    readonly mode: TuneMode,
  ) {}

  /** Starts the server, connects the control that re-configures it, and warms it. */
  async start(): Promise<void> {
    const { session, spec, mode } = this;
    const running = await session.startTarget({}, { retryOnce: true });
    const model = session.scenario.model.name;
    this.step = { origin: running.origin, metricsUrl: running.metricsUrl, nextRequest: await session.requests(), timeoutMs: session.scenario.request_timeout_ms, maxInFlight: spec.maxInFlight, serverPid: running.pid, mainThreadIsEventLoop: running.kind === 'embedded', runStartUs: session.runStartUs, signal: session.signal, onEvent: session.emit };
    // Launch mode: each trial stops the server and starts it with its knobs on the command line.
    const relaunch = (config: ServingConfig) => this.restart({ settings: settingsOf(config, mode.launchable) });
    this.control = mode.reconfigure === 'restart'
      ? launchServingControl({ model, knobs: mode.launchable, relaunch })
      : running.protocol === 'torchserve' && running.managementUrl
        ? await connectTorchServeControl({ managementUrl: running.managementUrl, model })
        : await connectServingControl({ origin: running.origin, protocol: running.protocol, model });
    await this.warm('before the trials');
  }

  /** Stops the server and starts it with these knob values (and config files), measured from then on. */
  async restart(start: StartSettings): Promise<Relaunched> {
    const started = await this.session.restartTarget(start, { retryOnce: true });
    this.step.origin = started.origin;
    this.step.metricsUrl = started.metricsUrl;
    this.step.serverPid = started.pid;
    return { origin: started.origin, protocol: started.protocol, ...(started.managementUrl ? { managementUrl: started.managementUrl } : {}), startupMs: started.startupMs ?? 0 };
  }

  /** A server that died between trials is reported, and started again (launch mode: by the next trial). */
  async replaceIfDead(): Promise<void> {
    const exit = await this.session.serverExit();
    if (!exit) return;
    const launch = this.mode.launchable.length > 0;
    this.session.warn(`the server exited (${exit.signal ?? `code ${exit.code}`}) between trials; ${launch ? 'the next trial starts it again' : 'starting a new one'}`);
    await this.session.target!.stop(); // its process group and {tmp} folder go too
    if (!launch) await this.start();
  }

  /**
   * A server just started runs its request path unoptimised (V8 compiles hot code after some
   * thousands of calls): its first rate steps read far slower than later ones, and the first
   * trial, the base configuration, is what every gain is measured against. A short closed loop at full speed warms it before any trial.
   */
  async warm(when: string): Promise<void> {
    const seconds = Math.min(SERVER_WARMUP_MAX_S, Math.max(SERVER_WARMUP_MIN_S, 2 * this.spec.stepS));
    const warm = await probeCapacity({ origin: this.step.origin, nextRequest: this.step.nextRequest, durationS: seconds, connections: SERVER_WARMUP_CONNECTIONS, timeoutMs: this.step.timeoutMs, signal: this.session.signal });
    this.session.notes.push(`warmed the server ${when}: ${warm.duration_s.toFixed(1)} s closed loop over ${warm.connections} connections, ${warm.ok} of ${warm.sent} requests ok (${Math.round(warm.throughput_rps)} rps)`);
  }

  /** Refuses a target that cannot be re-configured as the sweep needs; notes one measured as it is. */
  checkSweepable(): void {
    const origin = this.session.target!.origin;
    checkSweepable(this.control, this.spec.knobs, origin, this.session.scenario.target.kind === 'embedded');
    if (!this.control.canReconfigure) this.session.notes.push(`${origin} cannot be re-configured: measured as it is`);
  }
}
