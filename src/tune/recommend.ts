// From the trials to the recommendation: the configuration to serve with (noise-aware, cheaper
// when within noise: search/noise.ts), its capacity and spread, latency at 50/80/100% of it, the
// runner-up, a plain-language why (search/explain.ts), capacity planning for a target rate, and
// the same choice as server config files (search/export.ts). Pure: the caller writes the files.
import { median as statsMedian } from '../analyze/stats.ts';
import type { Recommendation } from '../contract/results.ts';
import { explainEventLoop, explainRecommendation, replicasFor, tuningVsReplicas } from './search/explain.ts';
import { describeProof, type ExportProof } from './proof.ts';
import { configFileText } from '../runner/configFiles.ts';
import { CONFIG_FILE_PLACEHOLDERS, type ConfigFilePlaceholder } from '../scenario/placeholders.ts';
import { pickRecommendation, summariseTrials, type ConfigSummary } from './search/noise.ts';
import { configKey, describeConfig } from '../serving/config.ts';
import type { ServingConfig } from '../serving/knobs.ts';
import type { ServerUsage } from './rateStep.ts';
import type { Objective, SweepSpec } from './sweepSection.ts';
import { configRecord, toSearchTrial, type TrialRecord } from './trialRecord.ts';
import { msText, rpsText } from '../format/units.ts';

export const RECOMMENDATION_SCHEMA = 'servebench.recommendation/v1';

/** One of the final measurements of the chosen configuration at a share of its capacity. */
export interface LoadCheck extends ServerUsage {
  share: number;
  rate: number;
  p50_us: number;
  p99_us: number;
  error_rate: number;
  throughput_rps: number;
}

/** recommendation.json: the results.json recommendation plus what a person deciding needs next to it. */
export interface RecommendationFile extends Recommendation {
  schema: typeof RECOMMENDATION_SCHEMA;
  run_id: string;
  model: string;
  objective: Objective;
  slo: { p99_us: number; error_rate: number; expressions: string[] };
  /** Capacity over the runs of the chosen configuration (requests/s). */
  capacity_spread: { median: number; min: number; max: number; runs: number[] };
  /** min-p99: median p99 of the chosen configuration at the objective's rate, microseconds. */
  p99_at_rate_us?: number;
  /** Relative noise of one capacity measurement, as the decision used it. */
  noise: number;
  /** Plain-language lines: the gain over the base configuration, and what each neighbouring knob value did. */
  why: string[];
  default_capacity_rps?: number;
  trials: number;
  configurations: number;
  /** The exported server configs, by file name in the run folder. */
  exports: Record<string, string>;
  /** The export for the target's server loaded into it and measured again (command targets that take a config file). */
  proof?: ExportProof;
}

export interface RecommendInput {
  runId: string;
  records: readonly TrialRecord[];
  spec: SweepSpec;
  /** The "before tuning" configuration: the gain is measured against it. */
  base: ServingConfig;
  /** The base is the server's default configuration (not moved onto the sweep's values): its capacity is the default's. */
  baseIsDefault?: boolean;
  model: string;
  /** The model version, for the TorchServe export (default 1.0). */
  version?: string;
  atLoad?: readonly LoadCheck[];
  targetRps?: number;
  headroom?: number;
  /** Comment lines for the exported files (where and when this was measured). */
  notes?: string[];
  /** How the measured requests carried their tensors: the advice on a busy event loop depends on it. */
  encoding?: 'json' | 'binary';
  proof?: ExportProof;
}

export const EXPORT_FILES = { servebench: CONFIG_FILE_PLACEHOLDERS.servebench_yaml, torchserve: CONFIG_FILE_PLACEHOLDERS.config_properties, triton: CONFIG_FILE_PLACEHOLDERS.config_pbtxt } as const;



/** Capacity (rps) of a configuration's runs, whatever the objective scored. */
function capacities(records: readonly TrialRecord[], config: ServingConfig): number[] {
  return records.filter((r) => configKey(r.config) === configKey(config)).map((r) => r.capacity_rps);
}

const median = (xs: number[]): number => (xs.length === 0 ? 0 : statsMedian(xs));
/** A median of capacities to the hundredth of a request per second the search measures in (a median of two reads 4206.815, not 4206.8150000000005). */
const medianRps = (runs: number[]): number => Math.round(median(runs) * 100) / 100;

/**
 * Did the closing checks confirm the capacity? The highest checked rate that held the SLO, and the
 * first check above it that broke it (none when the highest share held: a check that broke below
 * one that held is noise, not a lower capacity; at_load still shows every reading).
 */
export function verifiedCapacity(checks: readonly LoadCheck[], slo: SweepSpec['slo']): { rps: number; broken?: LoadCheck; why?: string } {
  // Broken as the capacity search breaks a limit: strictly above it.
  const slow = (c: LoadCheck) => c.p99_us > slo.p99Us;
  const failing = (c: LoadCheck) => c.error_rate > slo.errorRate;
  const sorted = [...checks].sort((a, b) => a.share - b.share);
  const held = sorted.filter((c) => !slow(c) && !failing(c)).at(-1);
  const broken = sorted.find((c) => c.share > (held?.share ?? -1) && (slow(c) || failing(c)));
  if (!broken) return { rps: held?.rate ?? 0 };
  const broke = [slow(broken) ? `p99 ${msText(broken.p99_us)} (SLO ${msText(slo.p99Us)})` : '', failing(broken) ? `error rate ${+(broken.error_rate * 100).toFixed(2)}% (SLO ${+(slo.errorRate * 100).toFixed(2)}%)` : ''].filter(Boolean).join(' and ');
  return { rps: held?.rate ?? 0, broken, why: `at ${Math.round(broken.share * 100)}% of it (${Math.round(broken.rate)} rps) ${broke}` };
}

function minP99Why(summaries: readonly ConfigSummary[], chosen: ConfigSummary, base: ServingConfig, rate: number): string[] {
  const baseSummary = summaries.find((s) => s.key === configKey(base));
  const lines = [`p99 ${msText(chosen.p99Us)} at ${rpsText(rate)} with ${describeConfig(chosen.config)}`];
  if (baseSummary && baseSummary.key !== chosen.key) {
    lines.push(baseSummary.medianRps > 0 ? `the base configuration gave p99 ${msText(baseSummary.p99Us)} at that rate` : 'the base configuration broke the error limit at that rate');
  }
  return lines;
}

export function recommend(input: RecommendInput): { recommendation: Recommendation; file: RecommendationFile; chosen: ServingConfig; exports: Record<string, string> } {
  const { records, spec, base, model } = input;
  const trials = records.map(toSearchTrial);
  const pick = pickRecommendation(trials);
  const summaries = summariseTrials(trials);
  const chosen = pick.chosen.config;
  const runs = capacities(records, chosen);
  const capacity = medianRps(runs);
  const baseRuns = capacities(records, base);
  const defaultCapacity = baseRuns.length > 0 ? medianRps(baseRuns) : undefined;
  const minP99 = spec.objective === 'min-p99';

  const why = minP99 ? minP99Why(summaries, pick.chosen, base, spec.rate!) : capacity > 0 ? explainRecommendation(trials, chosen, base) : [];
  const reason = minP99
    ? `${why[0]}; ${pick.overlap && pick.runnerUp ? `${describeConfig(pick.runnerUp.config)} is within noise` : 'the lowest measured'}`
    : [why[0], pick.reason].filter(Boolean).join('. ');

  const chosenRecords = records.filter((r) => configKey(r.config) === configKey(chosen));
  const atFull = input.atLoad?.find((c) => c.share === 1);
  const lastRun = chosenRecords.at(-1);
  // Resources from one measurement, so the whole server and its main thread describe the same moment.
  const usage = atFull?.server_cpu_percent !== undefined ? atFull : lastRun;
  const rss = usage?.server_rss_bytes;
  const cpu = usage?.server_cpu_percent;
  const mainThreadCpu = usage?.server_main_thread_cpu_percent;
  const eventLoop = minP99 ? undefined : explainEventLoop({ server_cpu_percent: cpu, server_main_thread_cpu_percent: mainThreadCpu }, input.encoding);
  if (eventLoop) why.push(eventLoop);

  // A capacity the closing checks did not hold is not one to plan on: the checks' own figure is.
  const verified = !minP99 && capacity > 0 && input.atLoad && input.atLoad.length > 0 ? verifiedCapacity(input.atLoad, spec.slo) : undefined;
  const verification = verified?.broken
    ? `the closing checks did not confirm ${rpsText(capacity)}: ${verified.why}; ${verified.rps > 0 ? `it held up to ${rpsText(verified.rps)}, the figure to plan on` : 'no checked share held the SLO'} (short rate steps on a shared machine overestimate: measure longer steps, or repeat)`
    : undefined;
  const planningCapacity = verified?.broken && verified.rps > 0 ? verified.rps : capacity;
  if (input.proof) why.push(describeProof(input.proof));
  const proofCaution = input.proof && !input.proof.agrees ? describeProof(input.proof) : undefined;

  let replicas: Recommendation['replicas'];
  // Nothing to plan on when no closing check held the SLO.
  if (input.targetRps !== undefined && planningCapacity > 0 && !(verified?.broken && verified.rps === 0)) {
    const headroom = input.headroom ?? 0.3;
    const plan = replicasFor(input.targetRps, planningCapacity, headroom);
    const plain = `For ${rpsText(input.targetRps)} with ${Math.round(headroom * 100)}% headroom: ${plan.replicas} replica${plan.replicas === 1 ? '' : 's'} at ${Math.round(plan.utilisation * 100)}% of ${verified?.broken ? `the verified capacity (${rpsText(planningCapacity)})` : 'capacity'}.`;
    // The comparison with the untuned default stands on search capacities alone (the checks re-measure only the chosen one).
    const note = defaultCapacity && defaultCapacity > 0 && !minP99 && !verified?.broken
      ? tuningVsReplicas({ targetRps: input.targetRps, baseCapacityRps: defaultCapacity, tunedCapacityRps: capacity, runnerUpCapacityRps: pick.runnerUp ? medianRps(capacities(records, pick.runnerUp.config)) : undefined, headroom }).summary
      : plain;
    replicas = { target_rps: input.targetRps, headroom, replicas: plan.replicas, utilisation: Math.round(plan.utilisation * 1000) / 1000, note };
  }

  const recommendation: Recommendation = {
    config: configRecord(chosen),
    capacity_rps: capacity,
    at_load: (input.atLoad ?? []).map(({ share, rate, p50_us, p99_us }) => ({ share, rate, p50_us, p99_us })),
    ...(rss !== undefined ? { server_rss_bytes: rss } : {}),
    ...(cpu !== undefined ? { server_cpu_percent: cpu } : {}),
    ...(mainThreadCpu !== undefined ? { server_main_thread_cpu_percent: mainThreadCpu } : {}),
    ...(pick.runnerUp ? { runner_up: { config: configRecord(pick.runnerUp.config), capacity_rps: medianRps(capacities(records, pick.runnerUp.config)) } } : {}),
    overlap: pick.overlap,
    reason: [reason, ...[verification, proofCaution].filter(Boolean).map((c) => `Caution: ${c}`)].join('. '),
    ...(replicas ? { replicas } : {}),
    ...(verified?.broken ? { verified_capacity_rps: verified.rps, verification: verification! } : {}),
  };

  const sloText = spec.slo.expressions.join(', ');
  const notes = [minP99 ? `p99 ${msText(pick.chosen.p99Us)} at ${rpsText(spec.rate!)} (${sloText})` : `capacity ${rpsText(capacity)} at ${sloText}`, ...(input.notes ?? [])];
  const exports = Object.fromEntries(Object.entries(CONFIG_FILE_PLACEHOLDERS).map(([name, file]) => [file, configFileText(name as ConfigFilePlaceholder, chosen, { model, notes, ...(input.version ? { version: input.version } : {}) })]));
  const file: RecommendationFile = {
    schema: RECOMMENDATION_SCHEMA,
    run_id: input.runId,
    model,
    objective: spec.objective,
    slo: { p99_us: spec.slo.p99Us, error_rate: spec.slo.errorRate, expressions: spec.slo.expressions },
    ...recommendation,
    capacity_spread: { median: capacity, min: Math.min(...runs), max: Math.max(...runs), runs },
    ...(minP99 ? { p99_at_rate_us: pick.chosen.p99Us } : {}),
    noise: Math.round(pick.noise * 10_000) / 10_000,
    why,
    ...(defaultCapacity !== undefined && input.baseIsDefault ? { default_capacity_rps: defaultCapacity } : {}),
    trials: records.length,
    configurations: summaries.length,
    exports: { servebench: EXPORT_FILES.servebench, torchserve: EXPORT_FILES.torchserve, triton: EXPORT_FILES.triton },
    ...(input.proof ? { proof: input.proof } : {}),
  };
  return { recommendation, file, chosen, exports };
}
