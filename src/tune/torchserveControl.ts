// TorchServe re-configured through its own management API, the article's tuning story: batch_size
// and max_batch_delay are fixed when a model is registered, so a change of them unregisters the
// model and registers its archive again (synchronously, with initial_workers); a change of workers
// alone scales them (`PUT /models/{m}?min_worker=N&max_worker=N&synchronous=true`). What TorchServe
// then describes (`GET /models/{m}`) is checked against what was asked.
import type { Knob, ServingConfig } from '../serving/knobs.ts';
import { notApplied, request, type ServingControl } from './serving.ts';
import { ServebenchError } from '../contract/errors.ts';

/** The knobs TorchServe's management API sets per model (its queue size is a server setting). */
export const TORCHSERVE_API_KNOBS: readonly Knob[] = ['workers', 'max_batch_size', 'max_batch_delay_us'];

export interface Described {
  modelUrl: string;
  batchSize: number;
  maxBatchDelay: number;
  minWorkers: number;
  maxWorkers: number;
  workers: { status: string }[];
}

/** `GET /models/{m}`'s first entry (the default version) in servebench's knob names. */
export function knobsOfTorchServe(d: Pick<Described, 'batchSize' | 'maxBatchDelay' | 'minWorkers'>): Pick<ServingConfig, 'workers' | 'max_batch_size' | 'max_batch_delay_us'> {
  // TorchServe's batch of 1 is servebench's batching off (0).
  return { workers: d.minWorkers, max_batch_size: d.batchSize <= 1 ? 0 : d.batchSize, max_batch_delay_us: d.maxBatchDelay * 1000 };
}

async function call(method: string, url: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  try {
    return await request(url, { method }, timeoutMs);
  } catch (err) {
    throw new ServebenchError('SB_ERR_MODEL_RELOAD', `${method} ${url} failed: ${(err as Error).message}; is TorchServe's management API there?`);
  }
}

const modelPathOf = (managementUrl: string, model: string) => `${managementUrl.replace(/\/+$/, '')}/models/${encodeURIComponent(model)}`;

/** `GET /models/{m}`: how TorchServe runs the model's default version. */
export async function describeTorchServeModel(managementUrl: string, model: string): Promise<Described> {
  const modelPath = modelPathOf(managementUrl, model);
  const { status, text } = await call('GET', modelPath, 10_000);
  const entry = status === 200 ? (JSON.parse(text) as Described[])[0] : undefined;
  if (!entry) throw new ServebenchError('SB_ERR_MODEL_RELOAD', `GET ${modelPath} answered ${status}: ${text.slice(0, 300)}`);
  return entry;
}

export async function connectTorchServeControl(o: { managementUrl: string; model: string; timeoutMs?: number }): Promise<ServingControl> {
  const base = o.managementUrl.replace(/\/+$/, '');
  const timeoutMs = o.timeoutMs ?? 120_000;
  const modelPath = modelPathOf(base, o.model);
  const describe = () => describeTorchServeModel(base, o.model);
  // An error answer to a registration is TorchServe refusing that configuration; to anything else, a server in trouble.
  const expectOk = async (method: string, url: string, code: 'SB_ERR_CONFIG_REFUSED' | 'SB_ERR_MODEL_RELOAD' = 'SB_ERR_MODEL_RELOAD') => {
    const { status, text } = await call(method, url, timeoutMs);
    if (status < 200 || status >= 300) throw new ServebenchError(code, `${method} ${url} answered ${status}: ${text.slice(0, 300)}`);
  };
  const modelUrl = (await describe()).modelUrl;
  const register = (c: Pick<ServingConfig, 'workers' | 'max_batch_size' | 'max_batch_delay_us'>) =>
    expectOk('POST', `${base}/models?url=${encodeURIComponent(modelUrl)}&batch_size=${Math.max(1, c.max_batch_size)}&max_batch_delay=${c.max_batch_delay_us / 1000}&initial_workers=${c.workers}&synchronous=true`, 'SB_ERR_CONFIG_REFUSED');

  const apply = async (config: ServingConfig): Promise<Record<string, unknown>> => {
    const now = knobsOfTorchServe(await describe());
    if (!Number.isInteger(config.max_batch_delay_us / 1000)) throw new ServebenchError('SB_ERR_KNOB_NOT_APPLIED', `TorchServe counts max_batch_delay in whole milliseconds: ${config.max_batch_delay_us} us cannot be set; sweep multiples of 1ms`);
    if (notApplied(config, { max_batch_size: now.max_batch_size, max_batch_delay_us: now.max_batch_delay_us }).length > 0) {
      await expectOk('DELETE', modelPath);
      try {
        await register(config);
      } catch (err) {
        // The previous registration back, so that the next trial finds the model.
        await register(now).catch((again: Error) => {
          throw new ServebenchError('SB_ERR_MODEL_RELOAD', `${(err as Error).message}; registering ${o.model} again as it was failed too (${again.message}): the tune cannot go on`);
        });
        throw err;
      }
    }
    const after = await describe();
    if (after.minWorkers !== config.workers || after.maxWorkers !== config.workers) {
      await expectOk('PUT', `${modelPath}?min_worker=${config.workers}&max_worker=${config.workers}&synchronous=true`, 'SB_ERR_CONFIG_REFUSED');
    }
    const described = await describe();
    const effective = knobsOfTorchServe(described);
    const ready = described.workers.filter((w) => w.status === 'READY').length;
    const wrong = notApplied(config, effective);
    if (ready !== config.workers) wrong.push(`${config.workers} ready workers (TorchServe: ${ready})`);
    if (wrong.length > 0) throw new ServebenchError('SB_ERR_KNOB_NOT_APPLIED', `${o.model} on TorchServe did not take ${wrong.join(', ')}`);
    return { effective_serving: effective, torchserve: described };
  };
  return { canReconfigure: true, current: async () => knobsOfTorchServe(await describe()), apply };
}

/** Refuses knobs TorchServe's management API cannot set per model, naming those it can. */
export function checkTorchServeSweepable(swept: readonly Knob[]): void {
  const missing = swept.filter((k) => !TORCHSERVE_API_KNOBS.includes(k));
  if (missing.length === 0) return;
  throw new ServebenchError('SB_ERR_KNOBS_NOT_SWEEPABLE', `TorchServe's management API sets ${TORCHSERVE_API_KNOBS.join(', ')} per model, not ${missing.join(', ')} (job_queue_size and thread counts are server settings): sweep ${missing.length === 1 ? 'it' : 'them'} in launch mode: set sweep.reconfigure: restart, with the knob in the command line ({job_queue_size}...) or its config file ({config_properties})`);
}
