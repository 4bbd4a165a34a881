// Re-configures the model under test between trials, over HTTP only, as it would an external
// server: `POST /v2/repository/models/{m}/load` with a model config in `{"parameters": {"config":
// "<JSON>"}}` (servebench's setting names for its own server; Triton's model configuration, the
// current one with the trial's knobs, for Triton), then `GET /v2/models/{m}/config` to check that
// the server runs what was asked. A target without those endpoints is measured as it is, and a
// sweep that needs them is refused naming the knobs that cannot be swept.
import { KNOBS, type Knob, type ServingConfig } from '../serving/knobs.ts';
import { knobsOfTritonConfig, tritonConfigFor } from '../serving/tritonConfig.ts';
import { ServebenchError } from '../contract/errors.ts';

export interface ServingControlOptions {
  origin: string;
  protocol: 'kserve-v2' | 'torchserve';
  model: string;
  timeoutMs?: number;
}

export interface ServingControl {
  /** False for a target without a model management API: its knobs are what they are. */
  readonly canReconfigure: boolean;
  /** The model's effective serving settings, when the target reports them. */
  current(): Promise<Partial<ServingConfig> | undefined>;
  /**
   * Reloads the model with `config` and checks the `effective_serving` it reports against it.
   * Resolves with the model's configuration as the server gives it (GET .../config), when it does.
   */
  apply(config: ServingConfig): Promise<Record<string, unknown> | undefined>;
  /** Launch mode: how long the last (re)start took, ms. */
  lastStartupMs?(): number | undefined;
}

const enc = encodeURIComponent;

/** One HTTP call with a deadline: its status and body text. */
export async function request(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text() };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The knobs of an `effective_serving` object (the server's setting names). */
export function knobsOf(effective: Record<string, unknown> | undefined): Partial<ServingConfig> | undefined {
  if (!effective) return undefined;
  const out: Partial<ServingConfig> = {};
  for (const knob of KNOBS) if (typeof effective[knob] === 'number') out[knob] = effective[knob] as number;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Knobs whose effective value is not the one asked for, as "max_batch_size 128 (server: 64)". A batch of 1 is batching off. */
export function notApplied(asked: ServingConfig, effective: Partial<ServingConfig>): string[] {
  const same = (k: Knob, a: number, b: number) => a === b || (k === 'max_batch_size' && a <= 1 && b <= 1);
  return KNOBS.filter((k) => effective[k] !== undefined && !same(k, asked[k], effective[k]!)).map((k) => `${k} ${asked[k]} (server: ${effective[k]})`);
}

/** Knobs with more than one value: the ones a sweep must change on the server. */
export function sweptKnobs(knobs: Partial<Record<Knob, readonly number[]>>): Knob[] {
  return KNOBS.filter((k) => (knobs[k]?.length ?? 0) > 1);
}

/** A KServe model configuration's knobs: servebench's effective_serving, or Triton's own fields. */
export function knobsOfModelConfig(modelConfig: Record<string, unknown>): Partial<ServingConfig> | undefined {
  return knobsOf(modelConfig.effective_serving as Record<string, unknown> | undefined) ?? knobsOfTritonConfig(modelConfig);
}

export async function connectServingControl(options: ServingControlOptions): Promise<ServingControl> {
  const { origin, protocol, model } = options;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const configUrl = `${origin}/v2/models/${enc(model)}/config`;
  const modelConfig = (): Promise<Record<string, unknown> | undefined> => request(configUrl, {}, 10_000).then((r) => (r.status === 200 ? parseJson(r.text) : undefined)).catch(() => undefined);

  const current = async (): Promise<Partial<ServingConfig> | undefined> => {
    const config = await modelConfig();
    return config ? knobsOfModelConfig(config) : undefined;
  };

  // TorchServe's own management API lives on another port with other semantics: not driven here.
  let canReconfigure = false;
  if (protocol === 'kserve-v2') {
    try {
      canReconfigure = (await request(`${origin}/v2/repository/index`, { method: 'POST' }, 10_000)).status === 200;
    } catch {
      canReconfigure = false;
    }
  }

  // servebench's server takes its own setting names; Triton a model configuration of its own, the
  // current one with the trial's knobs written in (read again at each load: the last load changed it).
  const initial = canReconfigure ? await modelConfig() : undefined;
  const triton = initial !== undefined && initial.effective_serving === undefined && knobsOfTritonConfig(initial) !== undefined;
  const loadConfigFor = async (config: ServingConfig): Promise<Record<string, unknown>> => {
    const now = triton ? await modelConfig() : undefined;
    if (now) return tritonConfigFor(now, config);
    const settings: Record<string, number | number[]> = {};
    for (const knob of KNOBS) settings[knob] = config[knob];
    if (config.preferred_batch_sizes?.length) settings.preferred_batch_sizes = config.preferred_batch_sizes;
    return settings;
  };

  const apply = async (config: ServingConfig): Promise<Record<string, unknown> | undefined> => {
    const settings = await loadConfigFor(config);
    const loadUrl = `${origin}/v2/repository/models/${enc(model)}/load`;
    let answer: { status: number; text: string };
    try {
      answer = await request(loadUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ parameters: { config: JSON.stringify(settings) } }) }, timeoutMs);
    } catch (err) {
      throw new ServebenchError('SB_ERR_MODEL_RELOAD', `POST ${loadUrl} failed: ${(err as Error).message}; is the server still up?`);
    }
    // A client error (not a missing model) is the server refusing that configuration; the rest, a server in trouble.
    if (answer.status !== 200) {
      const refused = answer.status >= 400 && answer.status < 500 && answer.status !== 404;
      throw new ServebenchError(refused ? 'SB_ERR_CONFIG_REFUSED' : 'SB_ERR_MODEL_RELOAD', `POST ${loadUrl} with ${JSON.stringify(settings)} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
    }
    const fromLoad = parseJson(answer.text)?.effective_serving;
    const loaded = (await modelConfig()) ?? (fromLoad ? { effective_serving: fromLoad } : undefined);
    const effective = loaded ? knobsOfModelConfig(loaded) : undefined;
    const wrong = effective ? notApplied(config, effective) : [];
    if (wrong.length > 0) {
      throw new ServebenchError('SB_ERR_KNOB_NOT_APPLIED', `${model} on ${origin} did not take ${wrong.join(', ')}: remove that value from sweep.knobs (the server caps it, e.g. at the model's own max_batch_size)`);
    }
    return loaded && effective && loaded.effective_serving === undefined ? { ...loaded, effective_serving: effective } : loaded;
  };

  return { canReconfigure, current, apply };
}

/** Refuses a sweep that needs a management API the target lacks, naming the knobs that cannot be swept. */
export function checkSweepable(control: ServingControl, knobs: Partial<Record<Knob, readonly number[]>>, origin: string, embedded = false): void {
  const swept = sweptKnobs(knobs);
  if (control.canReconfigure || swept.length === 0) return;
  const list = swept.map((k) => `${k} (${knobs[k]!.join(', ')})`).join(', ');
  const next = embedded
    ? 'The embedded server was started with its management API off or behind a token: remove management: false and management_token / management_token_file from target.server, and set management: true if it names a host (the harness turns management on for its own server only when target.server names neither).'
    : 'Sweep an embedded target, or restart the server with each setting yourself and list one value per knob to measure its capacity as it is.';
  throw new ServebenchError(
    'SB_ERR_KNOBS_NOT_SWEEPABLE',
    `${origin} has no model management API (POST /v2/repository/index, /v2/repository/models/{m}/load), so these knobs cannot be swept: ${list}. ${next}`,
  );
}
