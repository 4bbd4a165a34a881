// The one table of server settings. Flags, environment variables, config files, the start-up
// print-out and the README are all driven from it, so a setting has one name everywhere:
// `max_batch_delay_us` in a file, `--max-batch-delay-us` as a flag, `SERVEBENCH_MAX_BATCH_DELAY_US` in the env.

export type SettingKind = 'int' | 'number' | 'bool' | 'string' | 'int-list' | 'enum';

export interface SettingDef {
  key: string;
  kind: SettingKind;
  default: SettingValue;
  description: string;
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** Serving settings may also be set per model (`model_settings.<name>.<key>`) and by the management load API. */
  perModel?: boolean;
  secret?: boolean;
}

export type SettingValue = number | boolean | string | number[] | undefined;

const MIB = 1024 * 1024;

export const SETTINGS: readonly SettingDef[] = [
  { key: 'host', kind: 'string', default: '127.0.0.1', description: 'address to bind; 127.0.0.1 unless told otherwise' },
  { key: 'port', kind: 'int', default: 8000, min: 0, max: 65535, description: 'TCP port; 0 picks a free one' },
  { key: 'models', kind: 'string', default: 'models', description: 'model repository directory' },
  { key: 'load_models', kind: 'string', default: '', description: 'comma-separated model names to load at start; empty loads all' },
  // Serving knobs (per model).
  { key: 'workers', kind: 'int', default: 1, min: 1, max: 64, perModel: true, description: 'worker threads per model, each with its own ONNX Runtime session (management loads: at most 4 x cores)' },
  { key: 'intra_op_threads', kind: 'int', default: 1, min: 1, max: 256, perModel: true, description: 'ONNX Runtime intra-op threads per session (management loads: at most the cores)' },
  { key: 'intra_op_spinning', kind: 'bool', default: false, perModel: true, description: 'let ONNX Runtime\'s intra-op threads spin-wait for work (with intra_op_threads > 1): lower latency on idle cores, but the spinning burns CPU the event loop and other workers need' },
  { key: 'execution_provider', kind: 'enum', choices: ['cpu', 'cuda'], default: 'cpu', perModel: true, description: 'ONNX Runtime execution provider' },
  { key: 'max_batch_size', kind: 'int', default: 0, min: 0, max: 4096, perModel: true, description: 'dynamic batching: largest batch formed; 0 disables batching (capped at the model\'s own max_batch_size)' },
  { key: 'max_batch_delay_us', kind: 'int', default: 0, min: 0, max: 10_000_000, perModel: true, description: 'dynamic batching: longest a request waits for companions, microseconds' },
  { key: 'preferred_batch_sizes', kind: 'int-list', default: [], min: 1, max: 4096, perModel: true, description: 'dynamic batching: batch sizes dispatched as soon as they are reached' },
  { key: 'max_queue_size', kind: 'int', default: 256, min: 1, max: 1_000_000, perModel: true, description: 'requests queued per model before answering 503' },
  { key: 'request_timeout_ms', kind: 'int', default: 30_000, min: 1, max: 3_600_000, perModel: true, description: 'per-request deadline (504 when passed)' },
  // HTTP and process.
  { key: 'body_limit_bytes', kind: 'int', default: 32 * MIB, min: 1024, max: 2 ** 31 - 1, description: 'largest request body accepted (413 beyond)' },
  { key: 'headers_timeout_ms', kind: 'int', default: 10_000, min: 100, max: 600_000, description: 'longest a client may take to send a request\'s headers (the connection is then closed with 408)' },
  { key: 'body_timeout_ms', kind: 'int', default: 30_000, min: 0, max: 3_600_000, description: 'longest a client may take to send a request\'s body, from its headers (408 and the connection closed; 0: no deadline)' },
  { key: 'drain_timeout_ms', kind: 'int', default: 30_000, min: 0, max: 3_600_000, description: 'on SIGTERM/SIGINT, how long accepted requests may take to finish before exit' },
  { key: 'access_log', kind: 'bool', default: false, description: 'log every request (structured, asynchronous)' },
  { key: 'log_level', kind: 'enum', choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', description: 'log level' },
  { key: 'management', kind: 'bool', default: false, description: 'serve the model repository management endpoints (index, load/unload); off unless asked for, and beyond loopback only with a token' },
  { key: 'management_token', kind: 'string', default: undefined, secret: true, description: 'when set, management endpoints require "Authorization: Bearer <token>"; a flag shows in ps, so prefer management_token_file or the env' },
  { key: 'management_token_file', kind: 'string', default: undefined, description: 'file holding the management token (its content, trimmed); instead of management_token' },
  // Fault injection: off by default; for testing harnesses and detectors.
  { key: 'fault_latency_ms', kind: 'number', default: 0, min: 0, max: 600_000, description: 'fault: fixed latency added to every inference' },
  { key: 'fault_latency_jitter_ms', kind: 'number', default: 0, min: 0, max: 600_000, description: 'fault: uniform random extra latency in [0, jitter)' },
  { key: 'fault_stall_ms', kind: 'number', default: 0, min: 0, max: 600_000, description: 'fault: periodic stall length; no inference starts during a stall' },
  { key: 'fault_stall_every_s', kind: 'number', default: 0, min: 0, max: 86_400, description: 'fault: stall period in seconds (0 = no stalls)' },
  { key: 'fault_error_rate', kind: 'number', default: 0, min: 0, max: 1, description: 'fault: share of inferences answered 500 (SB_ERR_INJECTED)' },
  { key: 'fault_leak_bytes_per_request', kind: 'int', default: 0, min: 0, max: 64 * MIB, description: 'fault: bytes retained forever per inference (a memory leak)' },
  { key: 'fault_worker_crash_rate', kind: 'number', default: 0, min: 0, max: 1, description: 'fault: share of batches whose worker exits mid-batch' },
  { key: 'fault_seed', kind: 'int', default: 1, min: 0, max: 2 ** 31 - 1, description: 'fault: seed of the random choices, for repeatable runs' },
];

export const SETTING_BY_KEY: ReadonlyMap<string, SettingDef> = new Map(SETTINGS.map((s) => [s.key, s]));

export function flagName(key: string): string {
  return `--${key.replaceAll('_', '-')}`;
}

export function envName(key: string): string {
  return `SERVEBENCH_${key.toUpperCase()}`;
}

export type ParseResult = { ok: true; value: SettingValue } | { ok: false; problem: string };

/** Parse and range-check one value, from a string (flag, env) or a file's JSON/YAML value. */
export function parseSettingValue(def: SettingDef, raw: unknown): ParseResult {
  const got = typeof raw === 'string' ? JSON.stringify(raw) : String(raw);
  const fail = (expected: string): ParseResult => ({ ok: false, problem: `expected ${expected}, got ${got}` });
  const inRange = (n: number): boolean => (def.min === undefined || n >= def.min) && (def.max === undefined || n <= def.max);
  const rangeText = `between ${def.min ?? '-inf'} and ${def.max ?? 'inf'}`;
  const toNumber = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);

  switch (def.kind) {
    case 'int':
    case 'number': {
      const n = toNumber(raw);
      const isInt = def.kind === 'int';
      if (!Number.isFinite(n) || (isInt && !Number.isInteger(n))) return fail(isInt ? 'an integer' : 'a number');
      if (!inRange(n)) return fail(`a number ${rangeText}`);
      return { ok: true, value: n };
    }
    case 'bool': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (raw === 'true' || raw === '1' || raw === 'yes') return { ok: true, value: true };
      if (raw === 'false' || raw === '0' || raw === 'no') return { ok: true, value: false };
      return fail('true or false');
    }
    case 'string':
      if (typeof raw !== 'string') return fail('a string');
      return { ok: true, value: raw };
    case 'enum':
      if (typeof raw !== 'string' || !def.choices?.includes(raw)) return fail(`one of ${def.choices?.join(', ')}`);
      return { ok: true, value: raw };
    case 'int-list': {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? (raw.trim() === '' ? [] : raw.split(',')) : null;
      if (items === null) return fail('a list of integers (e.g. 4,8,16)');
      const values = items.map(toNumber);
      if (values.some((n) => !Number.isInteger(n) || !inRange(n))) return fail(`a list of integers ${rangeText}`);
      return { ok: true, value: values };
    }
  }
}
