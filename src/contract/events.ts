// What a run tells its watchers (the plain progress printer, the dashboard) while it goes.
// The runner never waits on a watcher: events are fire-and-forget.
import type { PhaseResult, RunResults, SecondRow, SystemSample } from './results.ts';
import type { Phase } from './scenario.ts';

export interface LiveLatency {
  /** Microseconds, over the current phase so far. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export type RunEvent =
  | { type: 'run-start'; scenario: string; target: string; model: string; phases: { name: string; kind: string; plannedSeconds?: number }[] }
  | { type: 'phase-start'; index: number; total: number; phase: Phase; plannedSeconds?: number; atS: number }
  | { type: 'second'; atS: number; phase: string; row: SecondRow; phaseLatency: LiveLatency; phaseOk: number; phaseRequests: number; system?: SystemSample }
  | { type: 'marker'; atS: number; kind: 'shutdown-sent' | 'server-exited' | 'proxy-cut' | 'proxy-restored'; detail?: string }
  | { type: 'warning'; atS: number; message: string }
  | { type: 'phase-end'; atS: number; result: PhaseResult }
  | { type: 'run-end'; results: RunResults }
  // Sweeps (servebench tune): one trial = one configuration's capacity search.
  | { type: 'trial-start'; index: number; total: number; config: TrialConfig; best?: TrialBest; etaS?: number }
  | { type: 'trial-end'; index: number; total: number; config: TrialConfig; capacityRps: number | null; p99Us?: number; best?: TrialBest; etaS?: number }
  // Soaks (servebench soak): one event per sampling interval.
  | { type: 'soak-interval'; atS: number; durationS: number; rssBytes?: number; heapUsedBytes?: number; p99Us: number; requests: number; errors: number; rssSlopeMbPerHour?: number; leakVerdict?: string };

/** Server knobs of one sweep trial, by setting name (workers, max_batch_size...). */
export type TrialConfig = Record<string, number | number[]>;

export interface TrialBest {
  config: TrialConfig;
  capacityRps: number;
}

export type RunEventListener = (event: RunEvent) => void;
