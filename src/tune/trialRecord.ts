// One finished trial as it is written to trials.jsonl, and its two readings: the search's Trial
// (what the strategies and the noise model decide on) and the results.json TrialResult.
import type { CapacityPoint, TrialResult } from '../contract/results.ts';
import type { TrialConfig } from '../contract/events.ts';
import type { ServerUsage } from './rateStep.ts';
import { configKey } from '../serving/config.ts';
import { KNOBS, type ServingConfig } from '../serving/knobs.ts';
import type { Trial } from './search/space.ts';

/** server_* (ServerUsage): the server's CPU and memory over the step at capacity. */
export interface TrialRecord extends ServerUsage {
  /** 0-based, in the order trials ran (a resumed run continues the count). */
  index: number;
  config: ServingConfig;
  /** Why the strategy proposed this configuration. */
  reason: string;
  started_at: string;
  duration_s: number;
  /** Launch mode: the server's start-up for this trial (launch to model ready), ms. */
  startup_ms?: number;
  /** max-rate: the highest rate meeting the SLO, 0 when none did. min-p99: the rate, 0 when it broke the error limit. */
  capacity_rps: number;
  /** What the strategy maximises: capacity_rps (max-rate) or 1e6 / p99 in us (min-p99). */
  score: number;
  /** At capacity (max-rate) or at the rate (min-p99); 0 when nothing was measured there. */
  p50_us: number;
  p99_us: number;
  error_rate: number;
  throughput_rps: number;
  /** How the capacity search ended: converged, max-trials, max-rate, min-rate; `single-rate` for min-p99. */
  stop: string;
  /** Every measured rate, lowest first. */
  points: CapacityPoint[];
  /** The server's own account of its settings after the reload. */
  effective_serving?: Record<string, unknown>;
  warnings: string[];
}

/** Knobs by setting name, as events and results.json carry them. */
export function configRecord(c: ServingConfig): TrialConfig {
  const out: TrialConfig = {};
  for (const k of KNOBS) out[k] = c[k];
  if (c.preferred_batch_sizes?.length) out.preferred_batch_sizes = [...c.preferred_batch_sizes];
  return out;
}

export function toSearchTrial(r: TrialRecord): Trial {
  return { config: r.config, capacityRps: r.score, p99Us: r.p99_us, throughputRps: r.throughput_rps, errorRate: r.error_rate };
}

/** results.json rows, one per trial; a configuration measured more than once lists every run's capacity in `repeats`. */
export function toTrialResults(records: readonly TrialRecord[]): TrialResult[] {
  const runs = new Map<string, number[]>();
  for (const r of records) runs.set(configKey(r.config), [...(runs.get(configKey(r.config)) ?? []), r.capacity_rps]);
  return records.map((r) => {
    const repeats = runs.get(configKey(r.config))!;
    return {
      index: r.index,
      config: configRecord(r.config),
      capacity_rps: r.capacity_rps > 0 ? r.capacity_rps : null,
      ...(repeats.length > 1 ? { repeats } : {}),
      points: r.points,
      ...(r.server_rss_bytes !== undefined ? { server_rss_bytes: r.server_rss_bytes } : {}),
      ...(r.server_cpu_percent !== undefined ? { server_cpu_percent: r.server_cpu_percent } : {}),
      ...(r.server_main_thread_cpu_percent !== undefined ? { server_main_thread_cpu_percent: r.server_main_thread_cpu_percent } : {}),
      duration_s: r.duration_s,
      ...(r.startup_ms !== undefined ? { startup_ms: r.startup_ms } : {}),
    };
  });
}
