// A schema-valid scenario as written -> the runner's Scenario: every default filled, every
// duration in the unit its name says, relative paths made absolute. Pure apart from the
// context it is given (where the file lives, which malformed classes a model has).
import path from 'node:path';
import { DEFAULTS } from './defaults.ts';
import type { Problems } from './errors.ts';
import { readDuration, readThresholds } from './fields.ts';
import type { ScenarioInput, TargetInput } from './input.ts';
import { resolvePhases } from './phases.ts';
import { SCENARIO_SCHEMA_ID } from './schema.ts';
import type { PayloadSpec, Scenario, Target } from './types.ts';

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
  const kind = t.kind ?? (t.url !== undefined ? 'url' : 'embedded');
  const readyTimeoutMs = readDuration(t, 'ready_timeout', 'ready_timeout_ms', ['target'], problems, { positive: true }).value ?? DEFAULTS.ready_timeout_ms;
  const misplaced = (keys: readonly (keyof TargetInput)[], why: string): void => {
    for (const key of keys) if (t[key] !== undefined) problems.add(['target', key], why);
  };
  if (kind === 'embedded') {
    misplaced(['url', 'protocol', 'pid'], 'only for a url target (this target is embedded)');
    return {
      kind,
      models_dir: t.models_dir !== undefined ? path.resolve(ctx.baseDir, t.models_dir) : ctx.defaultModelsDir,
      server: { ...(t.server ?? {}) },
      ready_timeout_ms: readyTimeoutMs,
    };
  }
  misplaced(['models_dir', 'server'], 'only for an embedded target (this target is a url)');
  let url = '';
  if (t.url === undefined) {
    problems.add(['target', 'url'], 'expected a URL like http://127.0.0.1:8000, got nothing');
  } else {
    try {
      const parsed = new URL(t.url);
      url = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    } catch {
      problems.add(['target', 'url'], `expected a URL like http://127.0.0.1:8000, got ${JSON.stringify(t.url)}`);
    }
  }
  return {
    kind: 'url',
    url,
    protocol: t.protocol ?? DEFAULTS.protocol,
    ...(t.pid !== undefined ? { pid: t.pid } : {}),
    ready_timeout_ms: readyTimeoutMs,
  };
}

function resolvePayload(p: ScenarioInput['payload'] = {}): PayloadSpec {
  const d = DEFAULTS.payload;
  return {
    encoding: p.encoding ?? d.encoding,
    batch: p.batch ?? d.batch,
    seed: p.seed ?? d.seed,
    variants: p.variants ?? d.variants,
    ...(p.fixture !== undefined ? { fixture: p.fixture } : {}),
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
    signalable: target.kind === 'embedded' || target.pid !== undefined,
  });
  const opaque = (['sweep', 'soak', 'gate'] as const).filter((key) => input[key] !== undefined);
  return {
    schema: SCENARIO_SCHEMA_ID,
    name: input.name ?? nameFromSource(source),
    ...(input.description !== undefined ? { description: input.description } : {}),
    target,
    model,
    payload: resolvePayload(input.payload),
    phases,
    thresholds: readThresholds(input.thresholds, ['thresholds'], problems),
    sampling: {
      interval_ms: readDuration(input.sampling ?? {}, 'interval', 'interval_ms', ['sampling'], problems, { positive: true }).value ?? DEFAULTS.sampling_interval_ms,
    },
    request_timeout_ms: readDuration(input, 'request_timeout', 'request_timeout_ms', [], problems, { positive: true }).value ?? DEFAULTS.request_timeout_ms,
    ...Object.fromEntries(opaque.map((key) => [key, input[key]])),
  };
}
