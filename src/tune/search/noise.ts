// Capacity is measured with noise: summarise repeated trials of a configuration, estimate the
// noise from the repeats, and recommend. Two configurations "overlap" when their difference is
// within about two standard errors (log scale); among those overlapping the best, the cheapest
// wins unless it gives up more than a practical margin: the one-standard-error rule of model
// selection (Breiman et al., CART), with "simplest" read as "fewest resources".
// Decisions use the confirmatory runs only: a configuration measured again was picked for it by its
// first run, which is biased high by that choice (the winner's curse), so that run is left out.
import { median } from '../../analyze/stats.ts';
import { compareCost, configKey, describeConfig, effectiveConfig } from '../../serving/config.ts';
import type { ServingConfig } from '../../serving/knobs.ts';
import type { Trial } from './space.ts';
import { rpsText } from '../../format/units.ts';
import { ServebenchError } from '../../contract/errors.ts';

export interface ConfigSummary {
  config: ServingConfig;
  key: string;
  /** Every measured capacity, in trial order. */
  capacities: number[];
  medianRps: number;
  minRps: number;
  maxRps: number;
  /** Median p99 at capacity over the trials, microseconds. */
  p99Us: number;
  /** What decisions use: the median of the runs after the first when there are several, else the one run. */
  estimateRps: number;
  /** Runs behind estimateRps. */
  estimateRuns: number;
}

/** Groups trials by configuration; best estimate first (cheaper first on ties). */
export function summariseTrials(trials: readonly Trial[]): ConfigSummary[] {
  const byKey = new Map<string, Trial[]>();
  for (const t of trials) {
    const key = configKey(t.config);
    byKey.set(key, [...(byKey.get(key) ?? []), t]);
  }
  return [...byKey.entries()]
    .map(([key, ts]) => {
      const caps = ts.map((t) => t.capacityRps);
      const confirming = caps.length > 1 ? caps.slice(1) : caps;
      return {
        config: effectiveConfig(ts[0].config), key, capacities: caps, medianRps: median(caps), minRps: Math.min(...caps), maxRps: Math.max(...caps),
        p99Us: median(ts.map((t) => t.p99Us)), estimateRps: median(confirming), estimateRuns: confirming.length,
      };
    })
    .sort((a, b) => b.estimateRps - a.estimateRps || compareCost(a.config, b.config));
}

export interface NoiseOptions {
  /** Relative noise assumed when no configuration was measured twice, default 0.05. */
  assumedNoise?: number;
  /** Never trust a noise estimate below this, default 0.02 (a few lucky repeats). */
  noiseFloor?: number;
  /** Standard errors within which two capacities overlap, default 2. */
  z?: number;
  /** Largest share of the best capacity given up for a cheaper configuration, default 0.05. */
  maxSacrifice?: number;
}

/** Pooled relative noise of one measurement: the standard deviation of ln(capacity) within configurations. */
export function pooledNoise(summaries: readonly ConfigSummary[], options: NoiseOptions = {}): { noise: number; degreesOfFreedom: number } {
  let ss = 0;
  let df = 0;
  for (const s of summaries) {
    const logs = s.capacities.filter((c) => c > 0).map(Math.log);
    if (logs.length < 2) continue;
    const m = logs.reduce((a, b) => a + b, 0) / logs.length;
    ss += logs.reduce((a, b) => a + (b - m) ** 2, 0);
    df += logs.length - 1;
  }
  const noise = df > 0 ? Math.sqrt(ss / df) : options.assumedNoise ?? 0.05;
  return { noise: Math.max(noise, options.noiseFloor ?? 0.02), degreesOfFreedom: df };
}

/** True when two configurations' capacities are within z standard errors of each other (log scale). */
export function overlaps(a: ConfigSummary, b: ConfigSummary, noise: number, z = 2): boolean {
  if (a.estimateRps <= 0 || b.estimateRps <= 0) return a.estimateRps === b.estimateRps;
  const se = noise * Math.sqrt(1 / a.estimateRuns + 1 / b.estimateRuns);
  return Math.abs(Math.log(a.estimateRps) - Math.log(b.estimateRps)) <= z * se;
}

export interface Recommendation {
  chosen: ConfigSummary;
  /** The best other configuration: the best by capacity when a cheaper one was chosen, else the second best. */
  runnerUp?: ConfigSummary;
  /** True when the chosen and the runner-up cannot be told apart within noise. */
  overlap: boolean;
  /** Relative noise of one measurement used for the decision. */
  noise: number;
  reason: string;
}

const spread = (s: ConfigSummary): string => (s.capacities.length > 1 ? `${rpsText(s.medianRps)} (${Math.round(s.minRps)}-${Math.round(s.maxRps)} over ${s.capacities.length} runs)` : `${rpsText(s.medianRps)} (1 run)`);

/** Picks the configuration to recommend from every trial so far. */
export function pickRecommendation(trials: readonly Trial[], options: NoiseOptions = {}): Recommendation {
  if (trials.length === 0) throw new ServebenchError('SB_ERR_NO_DATA', 'pickRecommendation: no trials; measure at least one configuration');
  const summaries = summariseTrials(trials);
  const { noise } = pooledNoise(summaries, options);
  const z = options.z ?? 2;
  const best = summaries[0];
  if (best.estimateRps <= 0) {
    return { chosen: best, runnerUp: summaries[1], overlap: summaries.length > 1, noise, reason: 'no configuration met the SLO at any rate; relax the SLO or the error limit, or add capacity' };
  }
  // What a cheaper configuration gives up is measured from the best's least favourable reading: its
  // confirmatory runs, or all its runs when its first was the lower: a single confirmatory run above a
  // low first one is noise, not an advantage.
  const maxSacrifice = options.maxSacrifice ?? 0.05;
  const floor = Math.min(best.estimateRps, best.medianRps) * (1 - maxSacrifice);
  const equivalent = summaries.filter((s) => s === best || (overlaps(s, best, noise, z) && s.estimateRps >= floor));
  const chosen = [...equivalent].sort((a, b) => compareCost(a.config, b.config))[0];
  const runnerUp = chosen === best ? summaries[1] : best;
  const overlap = runnerUp !== undefined && overlaps(chosen, runnerUp, noise, z);
  const noiseText = `noise ${(noise * 100).toFixed(1)}% per run`;
  let reason: string;
  if (!runnerUp) reason = `${describeConfig(chosen.config)}: ${spread(chosen)}, the only configuration measured`;
  else if (chosen !== best) {
    reason = `${describeConfig(chosen.config)} reaches ${spread(chosen)}, within noise of the best, ${describeConfig(best.config)} at ${spread(best)} (${noiseText}); the cheaper one is preferred`;
  } else if (overlap && compareCost(runnerUp.config, chosen.config) < 0) {
    const lower = 1 - runnerUp.estimateRps / Math.min(chosen.estimateRps, chosen.medianRps);
    reason = `${describeConfig(chosen.config)} reaches ${spread(chosen)}; ${describeConfig(runnerUp.config)} at ${spread(runnerUp)} is cheaper and within noise (${noiseText}), but ${(lower * 100).toFixed(0)}% lower: more than the ${(maxSacrifice * 100).toFixed(0)}% given up for a cheaper configuration`;
  } else if (overlap) {
    reason = `${describeConfig(chosen.config)} reaches ${spread(chosen)}; ${describeConfig(runnerUp.config)} at ${spread(runnerUp)} is within noise (${noiseText}) but not cheaper`;
  } else {
    reason = `${describeConfig(chosen.config)} reaches ${spread(chosen)}, clearly above the next, ${describeConfig(runnerUp.config)} at ${spread(runnerUp)} (${noiseText})`;
  }
  return { chosen, runnerUp, overlap, noise, reason };
}

/**
 * What to measure again: the top-k by estimate, then the cheapest configuration within
 * noise of the best (the one the recommendation would prefer), each until it has `repeats` runs.
 * Re-measurements go where they can change the decision.
 */
export function candidatesToRepeat(trials: readonly Trial[], topK = 3, repeats = 3, options: NoiseOptions = {}): ServingConfig[] {
  const summaries = summariseTrials(trials);
  if (summaries.length === 0) return [];
  const short = (s: ConfigSummary): boolean => s.capacities.length < repeats;
  const out = summaries.slice(0, topK).filter(short);
  const { noise } = pooledNoise(summaries, options);
  const best = summaries[0];
  const rival = summaries
    .filter((s) => s !== best && compareCost(s.config, best.config) < 0 && overlaps(s, best, noise, options.z ?? 2))
    .sort((a, b) => compareCost(a.config, b.config))[0];
  if (rival && short(rival) && !out.includes(rival)) out.push(rival);
  return out.map((s) => s.config);
}
