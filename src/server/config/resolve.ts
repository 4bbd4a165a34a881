// Merges the sources of server settings, pure: flags > env > file > model defaults > built-ins.
// Every refusal names the setting and where it came from.
import { availableParallelism } from 'node:os';
import { serveError } from '../errors.ts';
import type { ServingSettings } from '../inference.ts';
import type { ModelServingDefaults } from '../repository/modelConfig.ts';
import { checkManagementAccess, managementTokenOf } from './access.ts';
import { capProblems } from './caps.ts';
import { readTokenFileSync } from './file.ts';
import { SETTINGS, SETTING_BY_KEY, envName, flagName, parseSettingValue, type SettingDef, type SettingValue } from './settings.ts';

export type SettingSource = 'default' | 'model' | 'file' | 'env' | 'flag';

export interface ConfigSources {
  /** Parsed YAML/JSON config file, if any. */
  file?: { path: string; data: unknown };
  env?: Record<string, string | undefined>;
  /** Flag values by setting key (already split from argv). */
  flags?: Record<string, string>;
}

type Layer = Record<string, SettingValue>;

export interface ResolvedConfig {
  values: Record<string, SettingValue>;
  sources: Record<string, SettingSource>;
  /** Layers kept apart for the per-model serving settings, resolved at model load. */
  layers: { file: Layer; fileModels: Record<string, Layer>; env: Layer; flags: Layer };
}

export interface ServerConfig {
  host: string;
  port: number;
  models: string;
  loadModels: string[];
  bodyLimitBytes: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  drainTimeoutMs: number;
  accessLog: boolean;
  logLevel: string;
  management: boolean;
  managementToken?: string;
  faults: FaultSettings;
}

export interface FaultSettings {
  latencyMs: number;
  latencyJitterMs: number;
  stallMs: number;
  stallEverySeconds: number;
  errorRate: number;
  leakBytesPerRequest: number;
  workerCrashRate: number;
  seed: number;
}

function configError(where: string, message: string): Error {
  return serveError('SB_ERR_CONFIG', `${where}: ${message}`);
}

function parseInto(layer: Layer, def: SettingDef, raw: unknown, where: string): void {
  const parsed = parseSettingValue(def, raw);
  if (!parsed.ok) throw configError(where, parsed.problem);
  layer[def.key] = parsed.value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownSetting(key: string, where: string): Error {
  const near = SETTINGS.filter((s) => s.key.includes(key) || key.includes(s.key)).map((s) => s.key);
  const hint = near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : '; `servebench serve --help` lists them';
  return configError(where, `unknown setting "${key}"${hint}`);
}

function readFileLayers(file: ConfigSources['file']): { file: Layer; fileModels: Record<string, Layer> } {
  const layers = { file: {} as Layer, fileModels: {} as Record<string, Layer> };
  if (!file) return layers;
  if (!isRecord(file.data)) throw configError(file.path, 'expected a mapping of settings at the top level');
  for (const [key, raw] of Object.entries(file.data)) {
    if (key === 'model_settings') {
      if (!isRecord(raw)) throw configError(`${file.path}: model_settings`, 'expected a mapping of model name to settings');
      for (const [model, settings] of Object.entries(raw)) {
        const where = `${file.path}: model_settings.${model}`;
        if (!isRecord(settings)) throw configError(where, 'expected a mapping of settings');
        const layer: Layer = {};
        for (const [mkey, mraw] of Object.entries(settings)) {
          const def = SETTING_BY_KEY.get(mkey);
          if (!def) throw unknownSetting(mkey, where);
          if (!def.perModel) throw configError(`${where}.${mkey}`, 'is a server-wide setting and cannot be set per model');
          parseInto(layer, def, mraw, `${where}.${mkey}`);
        }
        layers.fileModels[model] = layer;
      }
      continue;
    }
    const def = SETTING_BY_KEY.get(key);
    if (!def) throw unknownSetting(key, file.path);
    parseInto(layers.file, def, raw, `${file.path}: ${key}`);
  }
  return layers;
}

export function resolveConfig(sources: ConfigSources): ResolvedConfig {
  const { file, fileModels } = readFileLayers(sources.file);
  const env: Layer = {};
  for (const def of SETTINGS) {
    const raw = sources.env?.[envName(def.key)];
    if (raw !== undefined && raw !== '') parseInto(env, def, raw, `environment ${envName(def.key)}`);
  }
  const flags: Layer = {};
  for (const [key, raw] of Object.entries(sources.flags ?? {})) {
    const def = SETTING_BY_KEY.get(key);
    if (!def) throw unknownSetting(key, `flag ${flagName(key)}`);
    parseInto(flags, def, raw, `flag ${flagName(key)}`);
  }

  const values: Record<string, SettingValue> = {};
  const sourcesByKey: Record<string, SettingSource> = {};
  for (const def of SETTINGS) {
    const [value, source] =
      def.key in flags ? [flags[def.key], 'flag' as const]
      : def.key in env ? [env[def.key], 'env' as const]
      : def.key in file ? [file[def.key], 'file' as const]
      : [def.default, 'default' as const];
    values[def.key] = value;
    sourcesByKey[def.key] = source;
  }
  return { values, sources: sourcesByKey, layers: { file, fileModels, env, flags } };
}

/**
 * The server-wide settings, with the management token read (from `readText` when it comes from a
 * file) and management refused beyond loopback without one: every check before anything binds.
 */
export function serverConfigOf(resolved: ResolvedConfig, readText: (path: string) => string = readTokenFileSync): ServerConfig {
  const v = resolved.values;
  const num = (k: string): number => v[k] as number;
  const managementToken = managementTokenOf({ management_token: v.management_token as string | undefined, management_token_file: v.management_token_file as string | undefined }, readText);
  const config: ServerConfig = {
    host: v.host as string,
    port: num('port'),
    models: v.models as string,
    loadModels: (v.load_models as string).split(',').map((s) => s.trim()).filter(Boolean),
    bodyLimitBytes: num('body_limit_bytes'),
    headersTimeoutMs: num('headers_timeout_ms'),
    bodyTimeoutMs: num('body_timeout_ms'),
    drainTimeoutMs: num('drain_timeout_ms'),
    accessLog: v.access_log as boolean,
    logLevel: v.log_level as string,
    management: v.management as boolean,
    ...(managementToken !== undefined ? { managementToken } : {}),
    faults: {
      latencyMs: num('fault_latency_ms'),
      latencyJitterMs: num('fault_latency_jitter_ms'),
      stallMs: num('fault_stall_ms'),
      stallEverySeconds: num('fault_stall_every_s'),
      errorRate: num('fault_error_rate'),
      leakBytesPerRequest: num('fault_leak_bytes_per_request'),
      workerCrashRate: num('fault_worker_crash_rate'),
      seed: num('fault_seed'),
    },
  };
  checkManagementAccess(config);
  return config;
}

const SERVING_KEYS = SETTINGS.filter((s) => s.perModel).map((s) => s.key);

type ThreadKnobs = { workers?: number; intra_op_threads?: number };

/** Caps bound only what a client asks through the management API: going over them is the client's mistake (400). */
function refuseOverCaps(asked: ThreadKnobs, cores: number, where: string, other?: ThreadKnobs): void {
  const problems = capProblems(asked, cores, other);
  if (problems.length > 0) throw serveError('SB_ERR_BAD_OVERRIDE', `${where}: ${problems.join('; ')}`);
}

/**
 * Parses a management-API override (`{"workers": 2, ...}`); refuses keys that are not per-model
 * serving settings, and thread counts over the machine-sized caps (caps.ts). `cores` is a
 * parameter for tests; the machine's own by default.
 */
export function parseServingOverride(data: unknown, where: string, cores: number = availableParallelism()): Layer {
  if (!isRecord(data)) throw configError(where, 'expected an object of serving settings');
  const layer: Layer = {};
  for (const [key, raw] of Object.entries(data)) {
    const def = SETTING_BY_KEY.get(key);
    if (!def || !def.perModel) throw configError(`${where}.${key}`, `unknown serving setting; expected one of ${SERVING_KEYS.join(', ')}`);
    parseInto(layer, def, raw, `${where}.${key}`);
  }
  refuseOverCaps(layer as ThreadKnobs, cores, where);
  return layer;
}

/**
 * Effective serving settings of one model: built-ins < model's config.json `serving` < file <
 * file model_settings.<name> < env < flags < management override. Batching is capped at what the model allows.
 */
export function servingSettingsFor(
  modelName: string,
  modelMaxBatchSize: number,
  modelDefaults: ModelServingDefaults | undefined,
  resolved: ResolvedConfig,
  override: Layer = {},
  cores: number = availableParallelism(),
): ServingSettings {
  const { file, fileModels, env, flags } = resolved.layers;
  const layers: Layer[] = [{ ...modelDefaults }, file, fileModels[modelName] ?? {}, env, flags, override];
  const pick = (key: string): SettingValue => {
    let value = SETTING_BY_KEY.get(key)!.default;
    for (const layer of layers) if (key in layer && layer[key] !== undefined) value = layer[key];
    return value;
  };
  const maxBatch = Math.min(pick('max_batch_size') as number, modelMaxBatchSize);
  const workers = pick('workers') as number;
  const intraOpThreads = pick('intra_op_threads') as number;
  // An override's thread counts are capped together with what the other layers give the model.
  const asked: ThreadKnobs = { ...(override.workers !== undefined ? { workers } : {}), ...(override.intra_op_threads !== undefined ? { intra_op_threads: intraOpThreads } : {}) };
  refuseOverCaps(asked, cores, `load of ${modelName}`, { workers, intra_op_threads: intraOpThreads });
  return {
    workers,
    intra_op_threads: intraOpThreads,
    intra_op_spinning: pick('intra_op_spinning') as boolean,
    execution_provider: pick('execution_provider') as ServingSettings['execution_provider'],
    max_batch_size: maxBatch,
    max_batch_delay_us: pick('max_batch_delay_us') as number,
    preferred_batch_sizes: (pick('preferred_batch_sizes') as number[]).filter((n) => n <= Math.max(maxBatch, 1)),
    max_queue_size: pick('max_queue_size') as number,
    request_timeout_ms: pick('request_timeout_ms') as number,
  };
}
