// The JSON Schema of a scenario file as a person writes it (durations as `30s`, shorthands,
// optional fields). Published as scenarios/schema.json for editors; the loader validates with it
// and then fills defaults (resolve.ts). `errorMessage`/`patternErrorMessage` are VS Code's schema
// extensions: editors show them, and the loader builds its own messages from them.
import { DEFAULTS } from './defaults.ts';
import { THRESHOLD_PATTERN } from './thresholds.ts';
import { DURATION_PATTERN } from './units.ts';

export type JsonSchema = Record<string, unknown>;

export const SCENARIO_SCHEMA_ID = 'servebench.scenario/v1';
/**
 * The published schema's `$id`: a name that stays the same while the format is v1 (a v2 gets a
 * new one), not a place editors fetch from; they read the file shipped in the package.
 */
export const SCENARIO_SCHEMA_URL = 'https://servebench.dev/schema/scenario-v1.json';
export const PHASE_KINDS = ['warmup', 'steady', 'ramp', 'malformed', 'shutdown', 'flap', 'aborts', 'slow-clients', 'overload'] as const;

const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';
const PERCENT_PATTERN = '^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*%?\\s*$';
const SIZE_PATTERN = '^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*([kKmMgGtT]i?[bB]|[bB])?\\s*$';

function withMessage(expected: string, schema: JsonSchema): JsonSchema {
  const message = `expected ${expected}`;
  return { ...schema, errorMessage: message, ...('pattern' in schema ? { patternErrorMessage: message } : {}) };
}

const str = (description: string, extra: JsonSchema = {}): JsonSchema =>
  withMessage('a string', { type: 'string', description, ...extra });
const name = (description: string): JsonSchema =>
  withMessage("a name of letters, digits, '.', '_' or '-'", { type: 'string', pattern: NAME_PATTERN, description });
const int = (min: number, max: number | undefined, description: string, extra: JsonSchema = {}): JsonSchema =>
  withMessage(max === undefined ? `an integer >= ${min}` : `an integer between ${min} and ${max}`, {
    type: 'integer', minimum: min, ...(max === undefined ? {} : { maximum: max }), description, ...extra,
  });
const positive = (description: string, extra: JsonSchema = {}): JsonSchema =>
  withMessage('a positive number', { type: 'number', exclusiveMinimum: 0, description, ...extra });
const oneOf = (values: readonly string[], description: string, extra: JsonSchema = {}): JsonSchema =>
  withMessage(`one of ${values.join(', ')}`, { enum: [...values], description, ...extra });
const ratio = (description: string, fallback: number): JsonSchema =>
  withMessage('a ratio between 0 and 1 or a percentage like 10%', {
    type: ['number', 'string'], minimum: 0, maximum: 1, pattern: PERCENT_PATTERN, default: fallback,
    description: `${description} Default ${fallback}.`,
  });
const thresholds = (description: string): JsonSchema =>
  withMessage('a threshold like "p99 < 50ms" or a list of them', {
    type: ['string', 'array'],
    pattern: THRESHOLD_PATTERN,
    items: withMessage('a threshold like "p99 < 50ms"', { type: 'string', pattern: THRESHOLD_PATTERN }),
    description: `${description} k6-like: "p50|p90|p95|p99|p999|mean|max < 50ms" (us, ms, s), "error_rate < 0.1%", "throughput > 500/s".`,
  });

/**
 * A duration two ways: `name` takes `30s`/`500ms`/`2m`/`2h` or a number of seconds; `canonical`
 * (the resolved scenario's own name, e.g. drain_deadline_ms) takes a number in its unit, so a
 * resolved scenario (as stored in results.json) loads again unchanged.
 */
function durationPair(field: string, canonical: string, description: string, fallback?: string): Record<string, JsonSchema> {
  const unit = canonical.endsWith('_ms') ? 'milliseconds' : 'seconds';
  const suffix = fallback ? ` Default ${fallback}.` : '';
  return {
    [field]: withMessage('a duration like 30s, 500ms or 2m, or a number of seconds', {
      type: ['string', 'number'], minimum: 0, pattern: DURATION_PATTERN, description: `${description}${suffix}`,
      ...(fallback ? { default: fallback } : {}),
    }),
    [canonical]: withMessage(`a number of ${unit} or a duration like 30s`, {
      type: ['number', 'string'], minimum: 0, pattern: DURATION_PATTERN,
      description: `${description} In ${unit} (same as ${field}: give one of the two).`,
    }),
  };
}

const LOAD_FIELDS: Record<string, JsonSchema> = {
  rate: positive('Open loop: requests per second, sent on schedule whatever the answers (latency counted from the intended send time).'),
  connections: int(1, 10_000, `Closed loop: concurrent connections, each sending its next request when the previous answers. Default ${DEFAULTS.connections}.`),
  pipelining: int(1, 1024, `Closed loop: requests in flight per connection. Default ${DEFAULTS.pipelining}.`),
  max_in_flight: int(1, undefined, `Open loop: cap on outstanding requests; beyond it a request is counted as dropped by the client. Default ${DEFAULTS.max_in_flight}.`),
};

const LOAD = withMessage('a load like {mode: open, rate: 200} or {mode: closed, connections: 8}', {
  type: 'object',
  additionalProperties: false,
  description: 'How the load is generated. The same fields may be written directly on the phase (rate: 200, connections: 8).',
  properties: {
    mode: oneOf(['open', 'closed'], 'open: a fixed request rate; closed: a fixed number of connections. Inferred from rate/connections when omitted.'),
    ...LOAD_FIELDS,
  },
});

function phaseSchema(kind: string, description: string, fields: Record<string, JsonSchema>, withLoad = true): JsonSchema {
  return {
    title: `${kind} phase`,
    description,
    properties: {
      kind: { const: kind },
      name: name('Phase name, unique in the scenario. Default: the kind, suffixed -2, -3 when repeated.'),
      ...durationPair('duration', 'duration_s', 'How long the phase runs (with requests: whichever ends first).'),
      requests: int(1, undefined, 'How many requests the phase sends (with duration: whichever ends first).'),
      thresholds: thresholds('Thresholds on this phase alone.'),
      ...(withLoad ? { load: LOAD, ...LOAD_FIELDS } : {}),
      ...fields,
    },
    additionalProperties: false,
  };
}

const RAMP_STEP = withMessage('a step like {rate: 100, duration: 10s}', {
  type: 'object',
  additionalProperties: false,
  properties: {
    rate: positive('Requests per second during this step (open mode).'),
    connections: int(1, 10_000, 'Connections during this step (closed mode).'),
    ...durationPair('duration', 'duration_s', 'How long this step holds.'),
  },
});

const PHASES: Record<(typeof PHASE_KINDS)[number], JsonSchema> = {
  warmup: phaseSchema('warmup', 'Load that is measured but not counted in totals or thresholds (JIT, caches, worker start-up).', {}),
  steady: phaseSchema('steady', 'Constant load, measured and counted.', {}),
  ramp: phaseSchema('ramp', 'Steps of increasing (or any) rate or connections; lasts the sum of its steps.', {
    mode: oneOf(['open', 'closed'], 'open: steps give rates; closed: steps give connections. Inferred from the steps when omitted.'),
    steps: withMessage('a list of steps like [{rate: 100, duration: 10s}]', { type: 'array', minItems: 1, items: RAMP_STEP, description: 'The steps, in order.' }),
    max_in_flight: LOAD_FIELDS.max_in_flight,
  }, false),
  malformed: phaseSchema('malformed', 'Valid traffic mixed with malformed requests; every malformed one must get its 4xx, never a 5xx.', {
    mix: withMessage('a map of malformed class to percentage, like {invalid_json: 5}', {
      type: 'object', minProperties: 1,
      additionalProperties: withMessage('a percentage like 30% or a number between 0 and 100', {
        type: ['number', 'string'], minimum: 0, maximum: 100, pattern: PERCENT_PATTERN,
      }),
      description: 'Percent of requests per malformed class (the classes of fixtures/malformed/<model>.json); at most 100 in total, the rest are valid.',
    }),
  }),
  shutdown: phaseSchema('shutdown', 'Load while the server is sent a signal: every accepted request must complete and the server must exit within the drain deadline. Must be the last phase; needs an embedded target or a url target with pid.', {
    ...durationPair('signal_at', 'signal_at_s', 'When the signal is sent, from the phase start (within the phase duration). Default: half the phase duration.'),
    signal: oneOf(['SIGTERM', 'SIGINT'], `The signal sent. Default ${DEFAULTS.signal}.`, { default: DEFAULTS.signal }),
    ...durationPair('drain_deadline', 'drain_deadline_ms', 'The server must exit within this long after the signal.', `${DEFAULTS.drain_deadline_ms / 1000}s`),
    stalled_clients: int(0, 10_000, 'Clients that send a valid request\'s headers at the phase start and never its body: the server must still exit within the drain deadline. Default 0.'),
  }),
  flap: phaseSchema('flap', 'Load through a proxy that cuts every connection periodically; the server and client must recover.', {
    ...durationPair('down', 'down_ms', 'How long each cut lasts.', `${DEFAULTS.down_ms}ms`),
    ...durationPair('every', 'every_s', 'Time between cuts.', `${DEFAULTS.every_s}s`),
  }),
  aborts: phaseSchema('aborts', 'Load where some clients hang up mid-request or trickle their body; the server must stay healthy.', {
    abort_share: ratio('Share of requests whose client hangs up mid-request.', DEFAULTS.abort_share),
    slow_share: ratio('Share of requests whose client trickles its body.', DEFAULTS.slow_share),
    slow_bytes_per_s: withMessage('a size per second like 1KiB or a number of bytes', {
      type: ['number', 'string'], exclusiveMinimum: 0, pattern: SIZE_PATTERN, default: DEFAULTS.slow_bytes_per_s,
      description: `Bytes per second a slow client sends. Default ${DEFAULTS.slow_bytes_per_s}.`,
    }),
  }),
  'slow-clients': phaseSchema('slow-clients', 'Load while many clients send a request\'s headers and then withhold or trickle its body: valid requests must keep being served, and the server must cut every stalled client within a bound.', {
    clients: int(1, 10_000, `Stalled connections, held at once from the phase start; more than the server's queue bound. Default ${DEFAULTS.stalled_clients}.`),
    stall: oneOf(['withhold', 'trickle', 'mixed'], `withhold: the body never comes; trickle: a byte a second, never the last; mixed: every other client each. Default ${DEFAULTS.stall}.`, { default: DEFAULTS.stall }),
    ...durationPair('cut_within', 'cut_within_s', 'The server must cut each stalled client (answer it, e.g. 408, or close its connection) within this long of its headers.', `${DEFAULTS.cut_within_s}s`),
  }),
  overload: phaseSchema('overload', 'Open-loop load above capacity: the server must shed load (503 with Retry-After) and stay bounded, not time out everything.', {}),
};

const PHASE: JsonSchema = {
  type: 'object',
  errorMessage: 'expected a phase like {kind: steady, duration: 15s, rate: 200}',
  required: ['kind'],
  properties: { kind: oneOf(PHASE_KINDS, 'What the phase does.') },
  allOf: PHASE_KINDS.map((kind) => ({ if: { properties: { kind: { const: kind } }, required: ['kind'] }, then: PHASES[kind] })),
};

/** The fields each phase kind accepts (for "belongs to" hints on unknown fields). */
export const PHASE_FIELDS: Record<string, readonly string[]> = Object.fromEntries(
  PHASE_KINDS.map((kind) => [kind, Object.keys(PHASES[kind].properties as JsonSchema)]),
);

const TARGET = withMessage('a target like {kind: embedded}, {url: http://127.0.0.1:8000} or {kind: command, command: "my-server --port {port}"}', {
  type: 'object',
  additionalProperties: false,
  description: 'The server under test. Default: the embedded reference server.',
  properties: {
    kind: oneOf(['embedded', 'url', 'command'], 'embedded: start the reference server as a child process; url: an external server; command: launch an external server from a command line. Default: command when command is given, url when url is given, else embedded.'),
    command: withMessage('a command line like "my-server --port {port}" or a list of its words', {
      type: ['string', 'array'], minLength: 1, minItems: 1, items: { type: 'string' },
      description: 'Command: the server\'s command line, a string (split into words, quotes respected, no shell) or a list of words. Placeholders: {port} and {<name>_port} (a free loopback port each), {model}, {version}, {tmp} (a fresh folder per start, removed after), {scenario_dir}, the serving knobs ({max_batch_size}, {workers}... or a server\'s own names such as {batch_size}, {instance_count}), and {config_pbtxt}, {config_properties}, {servebench_yaml} (that server\'s config file, written for each start from the knobs, and the path filled in).',
    }),
    env: withMessage('a map of environment variables like {OMP_NUM_THREADS: 1}', {
      type: 'object', description: 'Command: environment variables added to the harness\'s own (placeholders allowed).',
      additionalProperties: withMessage('a string, number or boolean', { type: ['string', 'number', 'boolean'] }),
    }),
    cwd: str('Command: the working directory, relative to this file. Default: this file\'s folder.'),
    ready_path: withMessage('a path like /v2/models/{model}/ready', { type: 'string', pattern: '^/', description: 'Command: the path that answers 200 once the model can take requests. Default: /v2/models/{model}/ready (kserve-v2), /ping (torchserve).' }),
    metrics_url: withMessage('a URL like http://127.0.0.1:{metrics_port}/metrics', { type: 'string', pattern: '^https?://[^\\s/]+', description: 'Command or URL: the server\'s Prometheus endpoint, when not <url>/metrics (Triton, TorchServe and MLServer serve it on a port of its own).' }),
    management_url: withMessage('a URL like http://127.0.0.1:{management_port}', { type: 'string', pattern: '^https?://[^\\s/]+', description: 'Command or URL, TorchServe: its management API, which servebench tune drives to register the model with each trial\'s batch_size, max_batch_delay and workers.' }),
    ...durationPair('stop_timeout', 'stop_timeout_ms', 'Command: how long the server may take to exit after SIGTERM when the run stops it, before SIGKILL.', `${DEFAULTS.stop_timeout_ms / 1000}s`),
    models_dir: str(`Embedded: the model repository, relative to this file. Default: the package's own ${DEFAULTS.models_dir}/.`),
    server: withMessage('a map of server settings like {workers: 2, max_batch_size: 16}', {
      type: 'object',
      description: 'Embedded: settings of `servebench serve` by their file names (workers, max_batch_size, max_batch_delay_us, max_queue_size, fault_latency_ms...); the server checks them at start. Command: serving knobs (workers, max_batch_size, max_batch_delay_us, intra_op_threads, max_queue_size) filled into the command\'s knob placeholders, in servebench\'s names or the server\'s own ({max_batch_size}, {batch_size}, {instance_count}, {max_batch_delay} in ms...); `servebench tune` restarts the server with each trial\'s values.',
      additionalProperties: withMessage('a string, number, boolean or list of integers', {
        type: ['string', 'number', 'boolean', 'array'], items: { type: 'integer' },
      }),
    }),
    url: withMessage('a URL like http://127.0.0.1:8000', { type: 'string', pattern: '^https?://[^\\s/]+', description: 'URL: the server origin, e.g. http://127.0.0.1:8000. Command: the origin it will listen on, default http://127.0.0.1:{port}.' }),
    protocol: oneOf(['kserve-v2', 'torchserve'], `URL or command: the protocol the server speaks. Default ${DEFAULTS.protocol}.`, { default: DEFAULTS.protocol }),
    pid: int(1, undefined, 'URL: the server process id, when it runs on this machine: enables CPU/RSS sampling and shutdown phases.'),
    ...durationPair('ready_timeout', 'ready_timeout_ms', 'How long to wait for the server to be ready.', `${DEFAULTS.ready_timeout_ms / 1000}s`),
  },
});

const MODEL = withMessage('a model name like mlp, or {name: mlp, version: "1"}', {
  type: ['string', 'object'],
  minLength: 1,
  description: 'The model to load: its name, or {name, version}.',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: withMessage('a model name like mlp', { type: 'string', minLength: 1, description: 'Model name.' }),
    version: withMessage('a version like "1"', { type: ['string', 'integer'], description: 'Model version. Default: the server\'s choice (the latest).' }),
  },
});

const PAYLOAD = withMessage('a payload like {encoding: json, batch: 1}', {
  type: 'object',
  additionalProperties: false,
  description: 'The valid requests sent.',
  properties: {
    encoding: oneOf(['json', 'binary'], `KServe: JSON tensors or Triton's binary tensor extension. Default ${DEFAULTS.payload.encoding}.`, { default: DEFAULTS.payload.encoding }),
    batch: int(1, 4096, `Rows per request (the request's own batch dimension). Default ${DEFAULTS.payload.batch}.`, { default: DEFAULTS.payload.batch }),
    seed: int(0, undefined, `Seed of the generated payloads. Default ${DEFAULTS.payload.seed}.`, { default: DEFAULTS.payload.seed }),
    variants: int(1, 10_000, `Distinct random payloads generated and cycled through. Default ${DEFAULTS.payload.variants}.`, { default: DEFAULTS.payload.variants }),
    fixture: str('Request bodies to send instead of generated ones, relative to this file: a file (one body), a folder (a body per file) or a .jsonl file (a request per line). Needed for TorchServe-style targets, which publish no tensor metadata.'),
  },
});

export const SCENARIO_SCHEMA: JsonSchema = withMessage('a scenario: an object with model and phases', {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: SCENARIO_SCHEMA_URL,
  title: 'servebench scenario',
  description: 'A servebench scenario: the server under test, the model, and the phases of load. See scenarios/README.md.',
  type: 'object',
  required: ['model', 'phases'],
  additionalProperties: false,
  properties: {
    $schema: str('The JSON Schema of this file, for editors (./schema.json).'),
    schema: oneOf([SCENARIO_SCHEMA_ID], 'The scenario format version.', { default: SCENARIO_SCHEMA_ID }),
    name: name('Scenario name. Default: the file name without extension.'),
    description: str('What this scenario checks, in a sentence.'),
    target: TARGET,
    model: MODEL,
    payload: PAYLOAD,
    phases: withMessage('a list of phases', { type: 'array', minItems: 1, items: PHASE, description: 'The phases, run in order.' }),
    thresholds: thresholds('Thresholds over every counted phase (all but warmup); any failure sets exit code 1.'),
    sampling: withMessage('an object like {interval: 1s}', {
      type: 'object', additionalProperties: false, description: 'System and server metrics sampling.',
      properties: durationPair('interval', 'interval_ms', 'Time between samples.', `${DEFAULTS.sampling_interval_ms / 1000}s`),
    }),
    ...durationPair('request_timeout', 'request_timeout_ms', 'Per-request client timeout.', `${DEFAULTS.request_timeout_ms / 1000}s`),
    sweep: { description: 'Settings of `servebench tune` (its own schema).' },
    soak: { description: 'Settings of `servebench soak` (its own schema).' },
    gate: { description: 'Settings of `servebench gate` (its own schema).' },
  },
});

/** scenarios/schema.json's exact text (the test keeps the file in sync with this). */
export function renderScenarioSchema(): string {
  return `${JSON.stringify(SCENARIO_SCHEMA, null, 2)}\n`;
}
