// The serving knobs by servebench's names, and each real server's own name for them with its unit,
// so a command target's command line can say `--batch-size {batch_size}` (TorchServe's name, in
// rows) or `--max-queue-delay-us {max_queue_delay_microseconds}` (Triton's) and still be swept by
// servebench's knobs. Pure.

/** Knobs a launched server can be given through its command line, by servebench's names. */
export const KNOBS = ['workers', 'max_batch_size', 'max_batch_delay_us', 'intra_op_threads', 'max_queue_size'] as const;
export type Knob = (typeof KNOBS)[number];

export interface ServingConfig {
  workers: number;
  /** 0 turns dynamic batching off. */
  max_batch_size: number;
  max_batch_delay_us: number;
  intra_op_threads: number;
  max_queue_size: number;
  preferred_batch_sizes?: number[];
}

export interface KnobSpec {
  /** What an unset knob is. */
  default: number;
  /** Smallest value, an integer. */
  min: number;
  /** Largest value the embedded server accepts (other servers have their own caps). */
  max: number;
  unit: string;
  /** One line: what the knob does. */
  meaning: string;
}

/**
 * The one table of knob facts. The embedded server keeps its own copy in its settings
 * (src/server/config/settings.ts, which must not import the harness); test/serving/knobs.test.ts
 * holds the two equal.
 */
export const KNOB_TABLE: Readonly<Record<Knob, KnobSpec>> = {
  workers: { default: 1, min: 1, max: 64, unit: 'workers', meaning: 'Worker threads (model instances) per model.' },
  max_batch_size: { default: 0, min: 0, max: 4096, unit: 'rows', meaning: 'Dynamic batching: largest batch formed; 0 turns batching off.' },
  max_batch_delay_us: { default: 0, min: 0, max: 10_000_000, unit: 'µs', meaning: 'Dynamic batching: longest a request waits for companions, microseconds.' },
  intra_op_threads: { default: 1, min: 1, max: 256, unit: 'threads', meaning: 'ONNX Runtime intra-op threads per worker.' },
  max_queue_size: { default: 256, min: 1, max: 1_000_000, unit: 'requests', meaning: 'Requests queued per model before answering 503.' },
};

/** servebench's built-in serving defaults: what an unset knob is, the "before tuning" point. */
export const DEFAULT_SERVING_CONFIG: ServingConfig = {
  workers: KNOB_TABLE.workers.default,
  max_batch_size: KNOB_TABLE.max_batch_size.default,
  max_batch_delay_us: KNOB_TABLE.max_batch_delay_us.default,
  intra_op_threads: KNOB_TABLE.intra_op_threads.default,
  max_queue_size: KNOB_TABLE.max_queue_size.default,
};

/** Whether a knob's value is an integer in its range (`upToMax: false` for servers with caps of their own). */
export function knobValueOk(knob: Knob, value: number, upToMax = true): boolean {
  const { min, max } = KNOB_TABLE[knob];
  return Number.isInteger(value) && value >= min && (!upToMax || value <= max);
}

/** What knobValueOk expects, in words: `an integer between 1 and 64` or `an integer >= 1`. */
export function knobExpected(knob: Knob, upToMax = true): string {
  const { min, max } = KNOB_TABLE[knob];
  return upToMax ? `an integer between ${min} and ${max}` : `an integer >= ${min}`;
}


export type ServerKind = 'triton' | 'torchserve' | 'mlserver';

interface KnobName {
  knob: Knob;
  /** Whose name it is; undefined for servebench's own names and their unit variants. */
  server?: ServerKind;
  /** The value as that server takes it, from servebench's. */
  render: (value: number) => string;
}

const same = (value: number) => String(value);
/** TorchServe counts the batch delay in whole milliseconds (a delay, however short, at least 1). */
export function torchServeDelayMs(us: number): number {
  return us === 0 ? 0 : Math.max(1, Math.round(us / 1000));
}

export const KNOB_NAMES: Readonly<Record<string, KnobName>> = {
  ...Object.fromEntries(KNOBS.map((knob) => [knob, { knob, render: same }])),
  max_batch_delay_ms: { knob: 'max_batch_delay_us', render: (us) => String(us / 1000) },
  max_batch_delay_s: { knob: 'max_batch_delay_us', render: (us) => String(us / 1e6) },
  // Triton's model configuration (config.pbtxt).
  instance_count: { knob: 'workers', server: 'triton', render: same },
  max_queue_delay_microseconds: { knob: 'max_batch_delay_us', server: 'triton', render: same },
  // TorchServe's model registration and config.properties.
  batch_size: { knob: 'max_batch_size', server: 'torchserve', render: (rows) => String(Math.max(1, rows)) },
  max_batch_delay: { knob: 'max_batch_delay_us', server: 'torchserve', render: (us) => String(torchServeDelayMs(us)) },
  default_workers_per_model: { knob: 'workers', server: 'torchserve', render: same },
  job_queue_size: { knob: 'max_queue_size', server: 'torchserve', render: same },
  // MLServer's model-settings.json and settings.json.
  parallel_workers: { knob: 'workers', server: 'mlserver', render: same },
  max_batch_time: { knob: 'max_batch_delay_us', server: 'mlserver', render: (us) => String(us / 1e6) },
};

export function isKnobName(name: string): boolean {
  return Object.hasOwn(KNOB_NAMES, name);
}

/** Every name of one knob, servebench's first: `max_batch_size (batch_size)`. */
export function namesOfKnob(knob: Knob): string[] {
  return Object.entries(KNOB_NAMES).filter(([, n]) => n.knob === knob).map(([name]) => name);
}

/** The placeholder values of every knob name from the settings (unset knobs take their defaults). */
export function knobPlaceholderValues(settings: Partial<Record<Knob, number>>): Record<string, string> {
  const values = { ...DEFAULT_SERVING_CONFIG, ...settings };
  // A batch delay means nothing with batching off (a batch of 0 or 1), and some servers refuse one then (PyTriton does).
  if (values.max_batch_size <= 1) values.max_batch_delay_us = 0;
  return Object.fromEntries(Object.entries(KNOB_NAMES).map(([name, n]) => [name, n.render(values[n.knob])]));
}
