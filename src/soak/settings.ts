// The soak's effective settings: the command's flags laid over the scenario's soak section, then
// defaults that scale with the duration (a 30 s try and an 8 h night both get a usable series).
import { DEFAULTS } from '../scenario/defaults.ts';
import { formatDurationMs } from '../format/units.ts';
import type { SoakSection } from './section.ts';
import { DEFAULT_SOAK_THRESHOLDS } from './thresholds.ts';
import { ServebenchError } from '../contract/errors.ts';

export interface SoakSettings {
  duration_s: number;
  /** Absent: measured by the capacity probe at the start. */
  rate?: number;
  interval_s: number;
  warmup_s: number;
  /** Absent: the machine's memory is used for the projection. */
  memory_limit_bytes?: number;
  max_in_flight: number;
  capacity_share: number;
  probe_duration_s: number;
  probe_connections: number;
  thresholds: string[];
}

export const SOAK_DEFAULTS = {
  maxIntervalS: 10,
  minIntervalS: 1,
  /** Short soaks sample faster, so that at least this many samples are taken. */
  minSamples: 30,
  maxWarmupS: 120,
  warmupShare: 0.2,
  capacityShare: 0.5,
  probeDurationS: 5,
} as const;

/** Shortest interval accepted when given explicitly (one /proc read and one /metrics scrape each). */
const FLOOR_INTERVAL_S = 0.1;

const show = (s: number): string => formatDurationMs(s * 1000);

/** `flags` win over `section`; throws SB_ERR_SOAK_SETTINGS when the result cannot make a soak. */
export function resolveSoakSettings(section: SoakSection, flags: SoakSection = {}): SoakSettings {
  const pick = <K extends keyof SoakSection>(key: K): SoakSection[K] => flags[key] ?? section[key];
  const duration = pick('duration_s');
  if (duration === undefined) throw new ServebenchError('SB_ERR_SOAK_SETTINGS', 'no soak duration: give --duration (e.g. --duration 8h, or 30s to try it) or soak.duration in the scenario');
  const interval = pick('interval_s') ?? Math.min(SOAK_DEFAULTS.maxIntervalS, Math.max(SOAK_DEFAULTS.minIntervalS, duration / SOAK_DEFAULTS.minSamples));
  const warmup = pick('warmup_s') ?? Math.min(SOAK_DEFAULTS.maxWarmupS, duration * SOAK_DEFAULTS.warmupShare);
  if (interval < FLOOR_INTERVAL_S) throw new ServebenchError('SB_ERR_SOAK_SETTINGS', `sampling interval ${show(interval)} is too short: use at least ${show(FLOOR_INTERVAL_S)}`);
  if (interval > duration) throw new ServebenchError('SB_ERR_SOAK_SETTINGS', `sampling interval ${show(interval)} is longer than the soak (${show(duration)}): shorten --interval or lengthen --duration`);
  if (warmup >= duration) throw new ServebenchError('SB_ERR_SOAK_SETTINGS', `warm-up ${show(warmup)} is not shorter than the soak (${show(duration)}): nothing would be left to fit a trend on; shorten --warmup or lengthen --duration`);
  const rate = pick('rate');
  return {
    duration_s: duration,
    ...(rate !== undefined ? { rate } : {}),
    interval_s: interval,
    warmup_s: warmup,
    ...(pick('memory_limit_bytes') !== undefined ? { memory_limit_bytes: pick('memory_limit_bytes') } : {}),
    max_in_flight: pick('max_in_flight') ?? DEFAULTS.max_in_flight,
    capacity_share: pick('capacity_share') ?? SOAK_DEFAULTS.capacityShare,
    probe_duration_s: pick('probe_duration_s') ?? SOAK_DEFAULTS.probeDurationS,
    probe_connections: pick('probe_connections') ?? DEFAULTS.connections,
    thresholds: pick('thresholds') ?? [...DEFAULT_SOAK_THRESHOLDS],
  };
}
