// A schema-valid scenario as written -> the runner's Scenario: every default filled, every
// duration in the unit its name says, relative paths made absolute. Pure apart from the
// context it is given (where the file lives, which malformed classes a model has).
import path from 'node:path';
import { DEFAULTS } from './defaults.ts';
import { Problems, type FieldPath } from './errors.ts';
import { readDuration, readThresholds } from './fields.ts';
import type { ScenarioInput, TargetInput } from './input.ts';
import { resolvePhases } from './phases.ts';
import { expandPlaceholders, isPortPlaceholder, placeholdersIn, splitCommandLine, unknownPlaceholder } from './placeholders.ts';
import { SCENARIO_SCHEMA_ID } from './schema.ts';
import { KNOBS } from '../serving/knobs.ts';
import type { CommandTarget, PayloadSpec, Scenario, ServerSettings, Target } from '../contract/scenario.ts';

export interface ResolveContext {
  /** A relative target.models_dir is taken from here (the scenario file's folder). */
  baseDir: string;
  /** models_dir when the scenario gives none (the package's own models/). */
  defaultModelsDir: string;
  /** Malformed classes of a model's corpus; undefined when it has none (class names then unchecked). */
  malformedClasses: (model: string) => readonly string[] | undefined;
}

/** `scenarios/quick.yaml` -> `quick`: the default scenario name. */
export function nameFromSource(source: string): string {
  const base = path.basename(source).replace(/\.(ya?ml|json)$/i, '');
  const cleaned = base.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned === '' ? 'scenario' : cleaned;
}

function resolveTarget(t: TargetInput, ctx: ResolveContext, problems: Problems): Target {
  const kind = t.kind ?? (t.command !== undefined ? 'command' : t.url !== undefined ? 'url' : 'embedded');
  const readyTimeoutMs = readDuration(t, 'ready_timeout', 'ready_timeout_ms', ['target'], problems, { positive: true }).value ?? DEFAULTS.ready_timeout_ms;
  const misplaced = (keys: readonly (keyof TargetInput)[], why: string): void => {
    for (const key of keys) if (t[key] !== undefined) problems.add(['target', key], why);
  };
  const COMMAND_ONLY = ['command', 'env', 'cwd', 'ready_path', 'stop_timeout', 'stop_timeout_ms'] as const;
  if (kind === 'embedded') {
    misplaced(['url', 'protocol', 'metrics_url', 'management_url'], 'only for a url or command target (this target is embedded)');
    misplaced(['pid'], 'only for a url target (this target is embedded)');
    misplaced(COMMAND_ONLY, 'only for a command target (this target is embedded)');
    return {
      kind,
      models_dir: t.models_dir !== undefined ? path.resolve(ctx.baseDir, t.models_dir) : ctx.defaultModelsDir,
      server: { ...(t.server ?? {}) },
      ready_timeout_ms: readyTimeoutMs,
    };
  }
  if (kind === 'command') return resolveCommandTarget(t, ctx, problems, readyTimeoutMs, misplaced);
  misplaced(['models_dir'], 'only for an embedded target (this target is a url)');
  misplaced(['server'], 'only for an embedded or command target (this target is a url)');
  misplaced(COMMAND_ONLY, 'only for a command target (this target is a url)');
  let url = '';
  if (t.url === undefined) {
    problems.add(['target', 'url'], 'expected a URL like http://127.0.0.1:8000, got nothing');
  } else {
    url = normalizedOrigin(t.url, ['target', 'url'], problems) ?? '';
  }
  return {
    kind: 'url',
    url,
    protocol: t.protocol ?? DEFAULTS.protocol,
    ...(t.pid !== undefined ? { pid: t.pid } : {}),
    ...(t.metrics_url !== undefined ? { metrics_url: t.metrics_url } : {}),
    ...(t.management_url !== undefined ? { management_url: t.management_url } : {}),
    ready_timeout_ms: readyTimeoutMs,
  };
}

/** `http://host:8000/` -> `http://host:8000`; undefined (and a problem) when it is no URL. */
function normalizedOrigin(text: string, at: FieldPath, problems: Problems): string | undefined {
  try {
    const parsed = new URL(text);
    return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  } catch {
    problems.add(at, `expected a URL like http://127.0.0.1:8000, got ${JSON.stringify(text)}`);
    return undefined;
  }
}

function resolveCommandTarget(t: TargetInput, ctx: ResolveContext, problems: Problems, readyTimeoutMs: number, misplaced: (keys: readonly (keyof TargetInput)[], why: string) => void): CommandTarget {
  misplaced(['models_dir'], 'only for an embedded target (this target is a command)');
  const server: ServerSettings = {};
  for (const [key, value] of Object.entries(t.server ?? {})) {
    if (!(KNOBS as readonly string[]).includes(key)) problems.add(['target', 'server', key], `expected a serving knob of a launched server (${KNOBS.join(', ')}), filled into the command's placeholders`);
    else if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) problems.add(['target', 'server', key], `expected a whole number >= 0, got ${JSON.stringify(value)}`);
    else server[key] = value;
  }
  misplaced(['pid'], 'only for a url target: a command target samples the process it starts');
  let command: string[] = [];
  let commandProblem: string | undefined;
  if (t.command === undefined) {
    commandProblem = 'expected a command line like "my-server --port {port}", got nothing';
  } else if (typeof t.command === 'string') {
    try {
      command = splitCommandLine(t.command);
    } catch (err) {
      commandProblem = `${(err as Error).message} in ${JSON.stringify(t.command)}`;
    }
  } else {
    command = [...t.command];
  }
  if (commandProblem === undefined && command.length === 0) commandProblem = 'expected a command line, got an empty one';
  if (commandProblem !== undefined) problems.add(['target', 'command'], commandProblem);
  const env = Object.fromEntries(Object.entries(t.env ?? {}).map(([k, v]) => [k, String(v)]));
  const protocol = t.protocol ?? DEFAULTS.protocol;
  const url = t.url ?? 'http://127.0.0.1:{port}';
  const readyPath = t.ready_path ?? (protocol === 'torchserve' ? '/ping' : '/v2/models/{model}/ready');
  const templates: [FieldPath, string][] = [
    ...command.map((word, i): [FieldPath, string] => [typeof t.command === 'string' ? ['target', 'command'] : ['target', 'command', i], word]),
    ...Object.entries(env).map(([k, v]): [FieldPath, string] => [['target', 'env', k], v]),
    [['target', 'url'], url],
    [['target', 'ready_path'], readyPath],
    ...(t.metrics_url !== undefined ? [[['target', 'metrics_url'], t.metrics_url] as [FieldPath, string]] : []),
    ...(t.management_url !== undefined ? [[['target', 'management_url'], t.management_url] as [FieldPath, string]] : []),
  ];
  const placeholderProblems = new Set<string>();
  for (const [at, template] of templates) {
    for (const name of placeholdersIn(template)) {
      const why = unknownPlaceholder(name);
      if (why) problems.add(at, why);
      if (why) placeholderProblems.add(template);
    }
  }
  // A URL is checked with its placeholders filled (ports are allocated per start: any number does).
  const checkUrl = (template: string, at: FieldPath) => {
    if (placeholderProblems.has(template)) return;
    const sample = template.replace(/\{[A-Za-z_][A-Za-z0-9_]*\}/g, (m) => (isPortPlaceholder(m.slice(1, -1)) ? '1' : 'x'));
    if (normalizedOrigin(sample, at, new Problems()) === undefined) problems.add(at, `expected a URL like http://127.0.0.1:{port}, got ${JSON.stringify(template)}`);
  };
  if (t.url !== undefined) checkUrl(url, ['target', 'url']);
  else if (commandProblem === undefined && ![...command, ...Object.values(env)].some((word) => placeholdersIn(word).includes('port'))) {
    problems.add(['target', 'url'], 'expected the URL the server will listen on (neither the command nor its env has a {port} for the default http://127.0.0.1:{port}), got nothing');
  }
  if (t.metrics_url !== undefined) checkUrl(t.metrics_url, ['target', 'metrics_url']);
  if (t.management_url !== undefined) checkUrl(t.management_url, ['target', 'management_url']);
  if (t.cwd !== undefined && placeholdersIn(t.cwd).some((name) => name !== 'scenario_dir')) {
    problems.add(['target', 'cwd'], `expected a folder, relative to this file (only {scenario_dir} may stand in it: the others are filled after the server's folder is chosen), got ${JSON.stringify(t.cwd)}`);
  }
  // The file's folder is known now; the rest is filled at each start.
  const here = (template: string) => expandPlaceholders(template, { scenario_dir: ctx.baseDir });
  return {
    kind: 'command',
    command: command.map(here),
    server,
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, here(v)])),
    cwd: t.cwd !== undefined ? path.resolve(ctx.baseDir, here(t.cwd)) : ctx.baseDir,
    url: here(url).replace(/\/+$/, ''),
    protocol,
    ready_path: here(readyPath),
    ...(t.metrics_url !== undefined ? { metrics_url: here(t.metrics_url) } : {}),
    ...(t.management_url !== undefined ? { management_url: here(t.management_url) } : {}),
    ready_timeout_ms: readyTimeoutMs,
    stop_timeout_ms: readDuration(t, 'stop_timeout', 'stop_timeout_ms', ['target'], problems, { positive: true }).value ?? DEFAULTS.stop_timeout_ms,
  };
}

function resolvePayload(p: ScenarioInput['payload'] = {}, baseDir: string): PayloadSpec {
  const d = DEFAULTS.payload;
  return {
    encoding: p.encoding ?? d.encoding,
    batch: p.batch ?? d.batch,
    seed: p.seed ?? d.seed,
    variants: p.variants ?? d.variants,
    ...(p.fixture !== undefined ? { fixture: path.resolve(baseDir, p.fixture) } : {}),
  };
}

/** Resolve a schema-valid scenario; problems found on the way are added to `problems`. */
export function resolveScenario(input: ScenarioInput, source: string, ctx: ResolveContext, problems: Problems): Scenario {
  const model = typeof input.model === 'string'
    ? { name: input.model }
    : { name: input.model.name, ...(input.model.version !== undefined ? { version: String(input.model.version) } : {}) };
  const target = resolveTarget(input.target ?? {}, ctx, problems);
  let classes: readonly string[] | undefined | null = null;
  const phases = resolvePhases(input.phases, {
    problems,
    model: model.name,
    malformedClasses: () => (classes === null ? (classes = ctx.malformedClasses(model.name)) : classes),
    signalable: target.kind !== 'url' || target.pid !== undefined,
  });
  const opaque = (['sweep', 'soak', 'gate'] as const).filter((key) => input[key] !== undefined);
  return {
    schema: SCENARIO_SCHEMA_ID,
    name: input.name ?? nameFromSource(source),
    ...(input.description !== undefined ? { description: input.description } : {}),
    target,
    model,
    payload: resolvePayload(input.payload, ctx.baseDir),
    phases,
    thresholds: readThresholds(input.thresholds, ['thresholds'], problems),
    sampling: {
      interval_ms: readDuration(input.sampling ?? {}, 'interval', 'interval_ms', ['sampling'], problems, { positive: true }).value ?? DEFAULTS.sampling_interval_ms,
    },
    request_timeout_ms: readDuration(input, 'request_timeout', 'request_timeout_ms', [], problems, { positive: true }).value ?? DEFAULTS.request_timeout_ms,
    ...Object.fromEntries(opaque.map((key) => [key, input[key]])),
  };
}
