// Why this configuration, in plain words from the trials; and the capacity-planning arithmetic
// behind "is more tuning worth it, or is one more machine cheaper?".
import { summariseTrials, type ConfigSummary } from './noise.ts';
import { configKey, describeConfig, describeDelay } from '../../serving/config.ts';
import { DEFAULT_SERVING_CONFIG, KNOBS, type Knob, type ServingConfig } from '../../serving/knobs.ts';
import type { Trial } from './space.ts';
import { msText } from '../../format/units.ts';
import { ServebenchError } from '../../contract/errors.ts';

const KNOB_WORDS: Record<Knob, (v: number) => string> = {
  workers: (v) => `${v} worker${v === 1 ? '' : 's'}`,
  max_batch_size: (v) => (v <= 1 ? 'no batching' : `batch ${v}`),
  max_batch_delay_us: (v) => describeDelay(v),
  intra_op_threads: (v) => `${v} thread${v === 1 ? '' : 's'}`,
  max_queue_size: (v) => `queue ${v}`,
};

const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}x`;
const percent = (x: number): string => `${x >= 0 ? '+' : ''}${Math.round(x * 100)}%`;

/** Configurations that differ from `center` only in `knob`, by the knob's value. */
function line(summaries: readonly ConfigSummary[], center: ServingConfig, knob: Knob): ConfigSummary[] {
  const others = KNOBS.filter((k) => k !== knob);
  return summaries.filter((s) => others.every((k) => s.config[k] === center[k])).sort((a, b) => a.config[knob] - b.config[knob]);
}

/**
 * Plain-language lines about the chosen configuration: its gain over the base configuration, and
 * along each knob what a smaller and a larger value did (capacity, and p99 at capacity).
 */
export function explainRecommendation(trials: readonly Trial[], chosen: ServingConfig, base: ServingConfig = DEFAULT_SERVING_CONFIG): string[] {
  const summaries = summariseTrials(trials);
  const mine = summaries.find((s) => s.key === configKey(chosen));
  if (!mine) throw new ServebenchError('SB_ERR_NO_DATA', `explainRecommendation: ${describeConfig(chosen)} was never measured`);
  const lines: string[] = [];
  const reference = summaries.find((s) => s.key === configKey(base)) ?? [...summaries].sort((a, b) => a.medianRps - b.medianRps)[0];
  const refName = reference.key === configKey(base) ? 'the base configuration' : `the weakest measured (${describeConfig(reference.config)})`;
  if (reference.key === mine.key) lines.push(`${describeConfig(chosen)} is ${refName}: tuning found nothing clearly better`);
  else if (reference.medianRps > 0) {
    const changed = KNOBS.filter((k) => chosen[k] !== reference.config[k]).map((k) => KNOB_WORDS[k](chosen[k]));
    const what = changed.length > 1 ? `${changed.slice(0, -1).join(', ')} and ${changed[changed.length - 1]}` : changed[0];
    lines.push(`${what} raised capacity ${ratio(mine.medianRps, reference.medianRps)} over ${refName} (${Math.round(reference.medianRps)} -> ${Math.round(mine.medianRps)} rps)`);
  } else lines.push(`${refName} met the SLO at no rate; ${describeConfig(chosen)} reaches ${Math.round(mine.medianRps)} rps`);

  for (const knob of KNOBS) {
    const along = line(summaries, chosen, knob);
    if (along.length < 2) continue;
    const at = along.findIndex((s) => s.key === mine.key);
    const here = KNOB_WORDS[knob](chosen[knob]);
    const below = along[at - 1];
    const above = along[at + 1];
    if (below && below.medianRps > 0) {
      lines.push(`${here} instead of ${KNOB_WORDS[knob](below.config[knob])}: ${percent(mine.medianRps / below.medianRps - 1)} capacity`);
    }
    if (above) {
      const change = above.medianRps / Math.max(mine.medianRps, 1e-9) - 1;
      const p99 = `p99 at capacity ${msText(mine.p99Us)} -> ${msText(above.p99Us)}`;
      const what = knob === 'workers' && change <= 0.03 ? ': more workers did not help (more is not better)'
        : (knob === 'max_batch_size' || knob === 'max_batch_delay_us') && change < 0 && above.p99Us >= mine.p99Us ? ': the batching delay dominated p99'
        : change <= 0.03 ? ': no gain worth its cost' : '';
      lines.push(`${KNOB_WORDS[knob](above.config[knob])} instead of ${here}: ${percent(change)} capacity (${p99})${what}`);
    }
  }
  return lines;
}

/** A main thread this busy at capacity (percent of one core) is the limit, not a bystander. */
export const EVENT_LOOP_BOUND_PERCENT = 80;

/**
 * The server's event loop as the bottleneck, in plain words, when its main thread was near one
 * full core at capacity: HTTP, decoding and batching run there, one core at most, so neither more
 * workers nor larger batches can lift capacity much past it. Undefined when it was not the limit
 * or was not measured (a remote server).
 */
export function explainEventLoop(usage: { server_cpu_percent?: number; server_main_thread_cpu_percent?: number }, encoding?: 'json' | 'binary'): string | undefined {
  const main = usage.server_main_thread_cpu_percent;
  if (main === undefined || main < EVENT_LOOP_BOUND_PERCENT) return undefined;
  const whole = usage.server_cpu_percent !== undefined ? ` (the whole server: ${Math.round(usage.server_cpu_percent)}%)` : '';
  // JSON decoding is a large share of that path; binary tensors skip most of it.
  const cheaper = encoding === 'binary' ? '' : ', and binary tensors instead of JSON may';
  return `at capacity the server's main thread (HTTP, decoding, batching) was busy ${Math.round(main)}% of one core${whole}: the request path, not inference, is likely the limit; more workers will not raise it much, more server replicas will${cheaper}`;
}

export interface ReplicaPlan {
  replicas: number;
  /** Share of the fleet's capacity the target uses. */
  utilisation: number;
}

/** Replicas needed for a target rate keeping `headroom` (a share, e.g. 0.3) of every replica spare. */
export function replicasFor(targetRps: number, capacityRps: number, headroom = 0.3): ReplicaPlan {
  if (!(targetRps > 0) || !(capacityRps > 0)) {
    throw new ServebenchError('SB_ERR_INVALID_INPUT', `replicasFor: target and capacity must be > 0 rps, got ${targetRps} and ${capacityRps}`);
  }
  if (!(headroom >= 0 && headroom < 1)) throw new ServebenchError('SB_ERR_INVALID_INPUT', `replicasFor: headroom must be within [0, 1), got ${headroom}`);
  const replicas = Math.max(1, Math.ceil(targetRps / (capacityRps * (1 - headroom)) - 1e-9));
  return { replicas, utilisation: targetRps / (replicas * capacityRps) };
}

export interface TuningVsReplicas {
  before: ReplicaPlan;
  after: ReplicaPlan;
  /** Capacity per replica, tuned over base, minus 1 (what tuning bought). */
  tuningGain: number;
  /** Capacity one more replica adds to the tuned fleet, as a share of it (1 / replicas). */
  replicaGain: number;
  /** Best over runner-up minus 1: what the last step of tuning still separated, when known. */
  remainingTuningGain?: number;
  summary: string;
}

/** Compares what tuning bought with what one more machine buys, for a target rate. */
export function tuningVsReplicas(o: { targetRps: number; baseCapacityRps: number; tunedCapacityRps: number; runnerUpCapacityRps?: number; headroom?: number }): TuningVsReplicas {
  const headroom = o.headroom ?? 0.3;
  const before = replicasFor(o.targetRps, o.baseCapacityRps, headroom);
  const after = replicasFor(o.targetRps, o.tunedCapacityRps, headroom);
  const tuningGain = o.tunedCapacityRps / o.baseCapacityRps - 1;
  const replicaGain = 1 / after.replicas;
  const remaining = o.runnerUpCapacityRps && o.runnerUpCapacityRps > 0 ? o.tunedCapacityRps / o.runnerUpCapacityRps - 1 : undefined;
  const plan = (p: ReplicaPlan): string => `${p.replicas} replica${p.replicas === 1 ? '' : 's'} at ${Math.round(p.utilisation * 100)}%`;
  let summary = `For ${Math.round(o.targetRps)} rps with ${Math.round(headroom * 100)}% headroom: ${plan(before)} untuned, ${plan(after)} tuned (tuning gave ${ratio(o.tunedCapacityRps, o.baseCapacityRps)} capacity per replica). One more replica adds ${percent(replicaGain)}`;
  if (remaining !== undefined) {
    summary += remaining < replicaGain
      ? `; the runner-up is within ${percent(remaining)}, so further tuning is worth less than one more machine`
      : `; the best still leads the runner-up by ${percent(remaining)}, so tuning remains the cheaper lever`;
  }
  return { before, after, tuningGain, replicaGain, remainingTuningGain: remaining, summary: `${summary}.` };
}
