// The proof of an exported server config: the file tune wrote (config.pbtxt, config.properties) is
// loaded into the server exactly as a user would (the server started with it in place of its
// command line's {config_pbtxt} / {config_properties}), what the server then runs is read back,
// and its capacity at the SLO is searched again. The two capacities agree when they differ by no
// more than two searches of one configuration can: the search's precision (each stops within it)
// plus two standard errors of the measured noise.
import type { CapacityPoint } from '../contract/results.ts';
import type { ServingConfig } from '../serving/knobs.ts';
import { notApplied, type ServingControl } from './serving.ts';
import type { TrialRecord } from './trialRecord.ts';

export interface ExportProof {
  /** The exported file loaded into the server, by its name in the run folder. */
  file: string;
  /** How it was loaded: the server started again with the file on its command line. */
  loaded_by: 'restart';
  startup_ms?: number;
  /** What the server reports running after loading the file, in servebench's knob names. */
  effective_serving?: Partial<ServingConfig>;
  /** Knobs the server runs with another value than the file gives ("max_batch_size 16 (server: 0)"). */
  not_applied?: string[];
  capacity_rps: number;
  p99_us: number;
  /** The search's capacity of the same configuration. */
  search_capacity_rps: number;
  /** capacity_rps / search_capacity_rps. */
  ratio: number;
  /** Two capacity searches of one configuration agree within a factor 1 + tolerance either way. */
  tolerance: number;
  agrees: boolean;
  points: CapacityPoint[];
  /** Why the server could not be started with the file or measured. */
  error?: string;
}

/** Whether a re-measured capacity agrees with the search's: within a factor 1 + precision + z·noise·√2 (two independent measurements) either way. */
export function judgeProof(searchRps: number, provedRps: number, noise: number, precision: number, z = 2): Pick<ExportProof, 'ratio' | 'tolerance' | 'agrees'> {
  const tolerance = precision + z * noise * Math.SQRT2;
  const ratio = searchRps > 0 ? provedRps / searchRps : 0;
  const agrees = searchRps > 0 && ratio >= 1 / (1 + tolerance) && ratio <= 1 + tolerance;
  return { ratio: Math.round(ratio * 1000) / 1000, tolerance: Math.round(tolerance * 1000) / 1000, agrees };
}

/** The proof's outcome from the re-measured trial and what the server reported running. */
export function exportProof(o: {
  file: string;
  chosen: ServingConfig;
  searchCapacityRps: number;
  noise: number;
  precision: number;
  record: TrialRecord;
  effective?: Partial<ServingConfig>;
  startupMs?: number;
}): ExportProof {
  const wrong = o.effective ? notApplied(o.chosen, o.effective) : [];
  const judged = judgeProof(o.searchCapacityRps, o.record.capacity_rps, o.noise, o.precision);
  return {
    file: o.file,
    loaded_by: 'restart',
    ...(o.startupMs !== undefined ? { startup_ms: o.startupMs } : {}),
    ...(o.effective ? { effective_serving: o.effective } : {}),
    ...(wrong.length > 0 ? { not_applied: wrong } : {}),
    capacity_rps: o.record.capacity_rps,
    p99_us: o.record.p99_us,
    search_capacity_rps: o.searchCapacityRps,
    ...judged,
    agrees: judged.agrees && wrong.length === 0,
    points: o.record.points,
  };
}

/** A proof that could not be taken: the file did not start the server, or the measurement failed. */
export function failedProof(file: string, searchCapacityRps: number, error: string): ExportProof {
  return { file, loaded_by: 'restart', capacity_rps: 0, p99_us: 0, search_capacity_rps: searchCapacityRps, ratio: 0, tolerance: 0, agrees: false, points: [], error };
}

/** One plain-language line for recommendation.json's `why` (or its caution). */
export function describeProof(p: ExportProof): string {
  const factor = (1 + p.tolerance).toFixed(2);
  if (p.error !== undefined) return `${p.file} could not be proven on the server: ${p.error.split('\n')[0]} (proof.error has the rest)`;
  const measured = `${p.file}, loaded into the server as a user would, measured ${p.capacity_rps} rps against the search's ${p.search_capacity_rps} rps`;
  if (p.not_applied) return `${p.file}, loaded into the server as a user would, did not run as written: ${p.not_applied.join(', ')}; check how the server reads that file`;
  return p.agrees
    ? `${measured}: within noise (ratio ${p.ratio}, allowed within a factor ${factor} either way)`
    : `${measured}: outside noise (ratio ${p.ratio}, allowed within a factor ${factor} either way): the capacity may not hold on this server; measure longer steps, or repeat`;
}

/** A control for a server measured as it runs: the proof's configuration is already loaded. */
export const AS_LOADED: ServingControl = { canReconfigure: false, current: async () => undefined, apply: async () => undefined };
