// Small decisions of a tuning run that depend only on the sweep and the trials so far: the base
// configuration, the search space, the strategy, how many trials to expect, where a capacity
// search starts, the best so far and the ETA for the progress events.
import { median } from '../analyze/stats.ts';
import type { TrialBest } from '../contract/events.ts';
import type { Scenario } from '../contract/scenario.ts';
import { summariseTrials } from './search/noise.ts';
import { configKey } from '../serving/config.ts';
import { DEFAULT_SERVING_CONFIG, KNOBS, type ServingConfig } from '../serving/knobs.ts';
import { gridConfigs, snapToSpace, validateSpace, type SearchSpace } from './search/space.ts';
import { createStrategy, type SearchStrategy } from './search/strategies.ts';
import type { SweepSpec } from './sweepSection.ts';
import { configRecord, toSearchTrial, type TrialRecord } from './trialRecord.ts';

/** Server defaults, then the embedded or launched target's own settings, then what a running server reports. */
export function baseConfig(scenario: Scenario, reported?: Partial<ServingConfig>): ServingConfig {
  const base: ServingConfig = { ...DEFAULT_SERVING_CONFIG };
  const settings = scenario.target.kind === 'url' ? {} : scenario.target.server;
  for (const knob of KNOBS) {
    const value = reported?.[knob] ?? settings[knob];
    if (typeof value === 'number') base[knob] = value;
  }
  return base;
}

export interface SweepPlan {
  space: SearchSpace;
  strategy: SearchStrategy;
  /** Where the search starts: the base moved onto the listed values. */
  start: ServingConfig;
  /** The base configuration itself is a point of the space (so its capacity is "the default's"). */
  baseInSpace: boolean;
  /** Trials expected at most (grid: every combination plus repeats; adaptive: its budget). */
  plannedTrials: number;
}

export function planSweep(spec: SweepSpec, base: ServingConfig): SweepPlan {
  const space: SearchSpace = { knobs: spec.knobs, base };
  const lists = validateSpace(space);
  const start = snapToSpace(base, lists);
  const gridSize = gridConfigs(space).length;
  const strategy = createStrategy(spec.strategy, space, { repeatTop: spec.top, repeats: spec.repeats, topK: spec.top, ...(spec.maxTrials !== undefined ? { maxTrials: spec.maxTrials } : {}) });
  const plannedTrials = spec.strategy === 'grid'
    ? gridSize + Math.min(spec.top, gridSize) * (spec.repeats - 1)
    : spec.maxTrials ?? Math.max(8, Math.floor(0.35 * gridSize));
  return { space, strategy, start, baseInSpace: configKey(start) === configKey(base), plannedTrials };
}

/** Half the best capacity so far (the next search then brackets it in a step or two), else the sweep's start rate. */
export function searchStartRate(records: readonly TrialRecord[], spec: SweepSpec): number {
  const best = Math.max(0, ...records.map((r) => r.capacity_rps));
  if (spec.objective !== 'max-rate' || best <= 0) return spec.startRps;
  return Math.min(spec.maxRps, Math.max(1, Math.round(best / 2)));
}

export function bestSoFar(records: readonly TrialRecord[]): TrialBest | undefined {
  if (records.length === 0) return undefined;
  const top = summariseTrials(records.map(toSearchTrial))[0];
  const runs = records.filter((r) => configKey(r.config) === top.key).map((r) => r.capacity_rps);
  return { config: configRecord(top.config), capacityRps: median(runs) };
}

/** Seconds left: the mean trial length so far times the trials still expected. */
export function etaSeconds(records: readonly TrialRecord[], remaining: number): number | undefined {
  if (records.length === 0) return undefined;
  const mean = records.reduce((a, r) => a + r.duration_s, 0) / records.length;
  return Math.round(mean * Math.max(0, remaining));
}
