// The JSON Schema of a scenario file as a person writes it (durations as `30s`, shorthands,
// optional fields). Published as scenarios/schema.json for editors; the loader validates with it
// and then fills defaults (resolve.ts). `errorMessage`/`patternErrorMessage` are VS Code's schema
// extensions: editors show them, and the loader builds its own messages from them.
import type { PhaseKind } from '../contract/scenario.ts';
import { DEFAULTS } from './defaults.ts';
import { PHASE_KINDS } from './phaseKinds/index.ts';
import { durationPair, int, type JsonSchema, name, oneOf, str, thresholds, withMessage } from './schemaParts.ts';

export type { JsonSchema };

export const SCENARIO_SCHEMA_ID = 'servebench.scenario/v1';
/**
 * The published schema's `$id`: a name that stays the same while the format is v1 (a v2 gets a
 * new one), not a place editors fetch from; they read the file shipped in the package.
 */
export const SCENARIO_SCHEMA_URL = 'https://servebench.dev/schema/scenario-v1.json';

const KIND_NAMES = Object.keys(PHASE_KINDS) as PhaseKind[];

const PHASE: JsonSchema = {
  type: 'object',
  errorMessage: 'expected a phase like {kind: steady, duration: 15s, rate: 200}',
  required: ['kind'],
  properties: { kind: oneOf(KIND_NAMES, 'What the phase does.') },
  allOf: KIND_NAMES.map((kind) => ({ if: { properties: { kind: { const: kind } }, required: ['kind'] }, then: PHASE_KINDS[kind].schema })),
};

/** The fields each phase kind accepts (for "belongs to" hints on unknown fields). */
export const PHASE_FIELDS: Record<string, readonly string[]> = Object.fromEntries(
  KIND_NAMES.map((kind) => [kind, Object.keys(PHASE_KINDS[kind].schema.properties as JsonSchema)]),
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
