// A chosen configuration in the forms servers read: a servebench server config file (the setting
// names of `servebench serve`), TorchServe config.properties lines, and a Triton config.pbtxt
// fragment. Text only: the caller writes it where it belongs.
import { knobExpected, knobValueOk, KNOBS, type ServingConfig, torchServeDelayMs } from './knobs.ts';
import { ServebenchError } from '../contract/errors.ts';

export interface ExportNote {
  /** Comment lines put at the top (e.g. "capacity 11055 rps at p99 <= 20 ms"). */
  notes?: string[];
}

function checkConfig(c: ServingConfig, where: string): void {
  // Minimums only: the maximums are the embedded server's, and each exported-to server has its own.
  for (const knob of KNOBS) {
    if (!knobValueOk(knob, c[knob], false)) throw new ServebenchError('SB_ERR_INVALID_INPUT', `${where}: ${knob} is ${c[knob]}, expected ${knobExpected(knob, false)}`);
  }
}

function preferred(c: ServingConfig): number[] {
  return (c.preferred_batch_sizes ?? []).filter((n) => n >= 1 && n <= c.max_batch_size);
}

const comments = (prefix: string, header: string, o: ExportNote): string[] => [header, ...(o.notes ?? [])].map((l) => `${prefix} ${l}`);

/** servebench server config (YAML): per model under model_settings when a model is named, else top-level. */
export function toServebenchYaml(c: ServingConfig, o: ExportNote & { model?: string } = {}): string {
  checkConfig(c, 'servebench config');
  const settings: [string, string][] = [
    ['workers', String(c.workers)],
    ['max_batch_size', String(c.max_batch_size)],
    ['max_batch_delay_us', String(c.max_batch_delay_us)],
    ...(preferred(c).length > 0 ? [['preferred_batch_sizes', `[${preferred(c).join(', ')}]`] as [string, string]] : []),
    ['max_queue_size', String(c.max_queue_size)],
    ['intra_op_threads', String(c.intra_op_threads)],
  ];
  const lines = comments('#', 'servebench server config, recommended by servebench tune (servebench serve --config FILE)', o);
  if (o.model !== undefined) {
    if (!/^[A-Za-z0-9_.-]+$/.test(o.model)) throw new ServebenchError('SB_ERR_INVALID_INPUT', `servebench config: model name "${o.model}" has characters a model directory cannot have`);
    lines.push('model_settings:', `  ${o.model}:`, ...settings.map(([k, v]) => `    ${k}: ${v}`));
  } else lines.push(...settings.map(([k, v]) => `${k}: ${v}`));
  return `${lines.join('\n')}\n`;
}

/**
 * TorchServe config.properties: default_workers_per_model, job_queue_size, default_response_timeout
 * (seconds) and the per-model `models` JSON (minWorkers = maxWorkers, batchSize, maxBatchDelay in
 * whole milliseconds, responseTimeout in seconds), as TorchServe's configuration docs spell them.
 */
export function toTorchServeProperties(
  c: ServingConfig,
  o: ExportNote & { model: string; version?: string; marName?: string; responseTimeoutS?: number },
): string {
  checkConfig(c, 'TorchServe config');
  const batchSize = Math.max(1, c.max_batch_size);
  const delayMs = torchServeDelayMs(c.max_batch_delay_us);
  const timeout = o.responseTimeoutS ?? 120;
  const lines = comments('#', 'TorchServe config.properties, recommended by servebench tune', o);
  if (delayMs * 1000 !== c.max_batch_delay_us) {
    lines.push(`# maxBatchDelay: ${c.max_batch_delay_us} us rounded to ${delayMs} ms (TorchServe counts whole milliseconds)`);
  }
  lines.push(
    `# intra_op_threads=${c.intra_op_threads}: TorchServe has no key for it; set OMP_NUM_THREADS=${c.intra_op_threads} (torch.set_num_threads) for its workers`,
    `default_workers_per_model=${c.workers}`,
    `job_queue_size=${c.max_queue_size}`,
    `default_response_timeout=${timeout}`,
  );
  const version = {
    defaultVersion: true,
    marName: o.marName ?? `${o.model}.mar`,
    minWorkers: c.workers,
    maxWorkers: c.workers,
    batchSize,
    maxBatchDelay: delayMs,
    responseTimeout: timeout,
  };
  const json = JSON.stringify({ [o.model]: { [o.version ?? '1.0']: version } }, null, 2).split('\n');
  // A properties value continues over lines that end in a backslash.
  lines.push(...json.map((l, i) => `${i === 0 ? 'models=' : ''}${l}${i < json.length - 1 ? '\\' : ''}`));
  return `${lines.join('\n')}\n`;
}

/**
 * Triton config.pbtxt fragment: max_batch_size, dynamic_batching (preferred_batch_size,
 * max_queue_delay_microseconds, default_queue_policy.max_queue_size), instance_group count and kind,
 * and the ONNX Runtime backend's intra_op_thread_count. Batching off: no max_batch_size or
 * dynamic_batching lines (the model's own stay).
 */
export function toTritonConfig(c: ServingConfig, o: ExportNote & { model?: string; kind?: 'KIND_CPU' | 'KIND_GPU' } = {}): string {
  checkConfig(c, 'Triton config');
  const lines = comments('#', 'Triton config.pbtxt fragment, recommended by servebench tune', o);
  if (o.model !== undefined) lines.push(`name: "${o.model}"`);
  if (c.max_batch_size > 1) {
    lines.push(`max_batch_size: ${c.max_batch_size}`, 'dynamic_batching {');
    if (preferred(c).length > 0) lines.push(`  preferred_batch_size: [ ${preferred(c).join(', ')} ]`);
    lines.push(`  max_queue_delay_microseconds: ${c.max_batch_delay_us}`, '  default_queue_policy {', `    max_queue_size: ${c.max_queue_size}`, '  }', '}');
  } else {
    lines.push('# dynamic batching off: keep the model\'s own max_batch_size; the queue limit needs dynamic_batching in Triton');
  }
  lines.push(
    'instance_group [',
    '  {',
    `    count: ${c.workers}`,
    `    kind: ${o.kind ?? 'KIND_CPU'}`,
    '  }',
    ']',
    'parameters {',
    '  key: "intra_op_thread_count"',
    `  value: { string_value: "${c.intra_op_threads}" }`,
    '}',
  );
  return `${lines.join('\n')}\n`;
}
