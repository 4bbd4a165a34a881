// The configuration files a command target's {config_pbtxt}, {config_properties} and
// {servebench_yaml} stand for: the start's knob values in that server's own format, written by the
// exporters that write a tuned recommendation, so a trial's server reads what a user would.
// Pure: the runner writes the text.
import { DEFAULT_SERVING_CONFIG, type Knob } from '../serving/knobs.ts';
import type { ConfigFilePlaceholder } from '../scenario/placeholders.ts';
import { toServebenchYaml, toTorchServeProperties, toTritonConfig } from '../serving/export.ts';
import { effectiveConfig } from '../serving/config.ts';
import type { ServingConfig } from '../serving/knobs.ts';

/** The knobs each file carries (TorchServe has no key for the ONNX Runtime thread count). */
export const CONFIG_FILE_KNOBS: Readonly<Record<ConfigFilePlaceholder, readonly Knob[]>> = {
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
export function renderConfigFile(name: ConfigFilePlaceholder, settings: Partial<Record<Knob, number>>, model: { name: string; version?: string }): string {
  const config = effectiveConfig({ ...DEFAULT_SERVING_CONFIG, ...settings });
  return configFileText(name, config, { model: model.name, ...(model.version ? { version: model.version } : {}), notes: ['written by servebench for one start of the server'] });
}
