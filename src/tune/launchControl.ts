// Launch mode, as Triton's Model Analyzer works: a command target whose command line names serving
// knobs ({max_batch_size}, or the server's own {batch_size}, {instance_count}...) is re-configured
// by stopping it and starting it again with the trial's values. What the server then reports
// (servebench's effective_serving, or Triton's own model configuration) is checked against what
// was asked, and each start's time is kept: slow model loading is a finding too.
import { KNOBS, namesOfKnob, type Knob } from '../serving/knobs.ts';
import { isConfigFilePlaceholder, placeholdersIn, type ConfigFilePlaceholder } from '../scenario/placeholders.ts';
import { CONFIG_FILE_KNOBS } from '../runner/configFiles.ts';
import type { CommandTarget } from '../contract/scenario.ts';
import { fetchModelConfig } from '../runner/target.ts';
import { describeTorchServeModel, knobsOfTorchServe } from './torchserveControl.ts';
import type { ServingConfig } from '../serving/knobs.ts';
import { knobsOfModelConfig, notApplied, type ServingControl } from './serving.ts';
import { ServebenchError } from '../contract/errors.ts';

/** The placeholders the command line and its env use (the URLs' are not the server's to read). */
const commandPlaceholders = (target: CommandTarget): string[] => [...target.command, ...Object.values(target.env)].flatMap(placeholdersIn);

/** The knobs the command line or its env names: by a placeholder (in any server's name), or through a config file. */
export function launchKnobs(target: CommandTarget): Knob[] {
  const used = new Set(commandPlaceholders(target));
  const inFiles = new Set([...used].filter(isConfigFilePlaceholder).flatMap((name) => CONFIG_FILE_KNOBS[name]));
  return KNOBS.filter((knob) => inFiles.has(knob) || namesOfKnob(knob).some((name) => used.has(name)));
}

/** The config-file placeholder ({config_pbtxt}, {config_properties}) the command line or its env uses, if any. */
export function configFilePlaceholderOf(target: CommandTarget): ConfigFilePlaceholder | undefined {
  return commandPlaceholders(target).find(isConfigFilePlaceholder);
}

export interface Relaunched {
  origin: string;
  protocol: 'kserve-v2' | 'torchserve';
  /** TorchServe's management API, when the target names one. */
  managementUrl?: string;
  startupMs: number;
}

/**
 * What a started server reports running: its model configuration as it gives it (KServe), and its
 * knobs in servebench's names (from that configuration, or TorchServe's model description).
 */
export async function servingReadBack(running: Omit<Relaunched, 'startupMs'>, model: string): Promise<{ modelConfig?: Record<string, unknown>; knobs?: Partial<ServingConfig> }> {
  if (running.protocol === 'kserve-v2') {
    const modelConfig = await fetchModelConfig(running.origin, model, 10_000);
    return modelConfig ? { modelConfig, knobs: knobsOfModelConfig(modelConfig) } : {};
  }
  return running.managementUrl ? { knobs: knobsOfTorchServe(await describeTorchServeModel(running.managementUrl, model)) } : {};
}

export interface LaunchControlOptions {
  model: string;
  /** The knobs the command line can take (launchKnobs). */
  knobs: readonly Knob[];
  /** Stops the running server and starts it with these knob values. */
  relaunch(config: ServingConfig): Promise<Relaunched>;
}

export interface LaunchControl extends ServingControl {
  /** The last start's time, ms. */
  lastStartupMs(): number | undefined;
}

export function launchServingControl(o: LaunchControlOptions): LaunchControl {
  let startupMs: number | undefined;
  let readBack: Partial<ServingConfig> | undefined;
  const apply = async (config: ServingConfig): Promise<Record<string, unknown> | undefined> => {
    const started = await o.relaunch(config);
    startupMs = started.startupMs;
    const { modelConfig, knobs } = await servingReadBack(started, o.model);
    readBack = knobs;
    const launched = Object.fromEntries(o.knobs.map((k) => [k, readBack?.[k]]).filter(([, v]) => v !== undefined)) as Partial<ServingConfig>;
    const wrong = notApplied(config, launched);
    if (wrong.length > 0) {
      throw new ServebenchError('SB_ERR_KNOB_NOT_APPLIED', `${o.model} restarted with ${wrong.join(', ')}: the server runs another value than it was started with; check how its command line (or config file) passes that knob`);
    }
    return { ...(modelConfig ?? {}), ...(readBack ? { effective_serving: readBack } : {}) };
  };
  return { canReconfigure: true, current: async () => readBack, apply, lastStartupMs: () => startupMs };
}

/** Refuses swept knobs the command line has no placeholder for, naming those it has and how to add one. */
export function checkLaunchSweepable(swept: readonly string[], knobs: readonly Knob[]): void {
  const missing = swept.filter((k) => !(knobs as readonly string[]).includes(k));
  if (missing.length === 0) return;
  const can = knobs.length > 0 ? knobs.join(', ') : 'none';
  const how = missing.map((k) => `{${namesOfKnob(k as Knob).join('} or {')}}`).join('; ');
  throw new ServebenchError('SB_ERR_KNOBS_NOT_SWEEPABLE', `the target's command line has no placeholder for ${missing.join(', ')}, so a restart cannot change ${missing.length === 1 ? 'it' : 'them'} (it can sweep: ${can}). Pass the knob in the command, e.g. ${how}`);
}

