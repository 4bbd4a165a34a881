// The configuration files a command target's {config_pbtxt}, {config_properties} and
// {servebench_yaml} stand for: the start's knob values in that server's own format, written by the
// exporters that write a tuned recommendation, so a trial's server reads what a user would.
// Pure: the runner writes the text.
import { KNOB_DEFAULTS, type LaunchKnob } from '../scenario/knobs.ts';
import type { ConfigFilePlaceholder } from '../scenario/placeholders.ts';
import { toServebenchYaml, toTorchServeProperties, toTritonConfig } from '../tune/search/export.ts';
import { effectiveConfig, type ServingConfig } from '../tune/search/space.ts';

/** The knobs each file carries (TorchServe has no key for the ONNX Runtime thread count). */
export const CONFIG_FILE_KNOBS: Readonly<Record<ConfigFilePlaceholder, readonly LaunchKnob[]>> = {
  config_pbtxt: ['workers', 'max_batch_size', 'max_batch_delay_us', 'intra_op_threads', 'max_queue_size'],
  config_properties: ['workers', 'max_batch_size', 'max_batch_delay_us', 'max_queue_size'],
  servebench_yaml: ['workers', 'max_batch_size', 'max_batch_delay_us', 'intra_op_threads', 'max_queue_size'],
};

/** A server's config file for one configuration: the text a recommendation exports and a start reads. */
export function configFileText(name: ConfigFilePlaceholder, config: ServingConfig, o: { model: string; version?: string; notes: string[] }): string {
  switch (name) {
    case 'config_pbtxt':
      return toTritonConfig(config, { model: o.model, notes: o.notes });
    case 'config_properties':
      return toTorchServeProperties(config, { model: o.model, notes: o.notes, ...(o.version ? { version: o.version } : {}) });
    case 'servebench_yaml':
      return toServebenchYaml(config, { model: o.model, notes: o.notes });
  }
}

/** The file for one start: its knob values over servebench's defaults, as the server would run them. */
export function renderConfigFile(name: ConfigFilePlaceholder, settings: Partial<Record<LaunchKnob, number>>, model: { name: string; version?: string }): string {
  const config = effectiveConfig({ ...KNOB_DEFAULTS, ...settings });
  return configFileText(name, config, { model: model.name, ...(model.version ? { version: model.version } : {}), notes: ['written by servebench for one start of the server'] });
}
