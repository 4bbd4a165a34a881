// What the dashboard knows, folded from RunEvents by one pure reducer: no I/O, no clock of its own
// (time comes from the events' atS), so a recorded event sequence always gives the same screen.
import type { LiveLatency, RunEvent, TrialBest, TrialConfig } from '../contract/events.ts';
import type { SystemSample } from '../contract/results.ts';
import { accountOf, type RequestAccount } from '../report/accounting.ts';

/** Seconds of request rate the sparkline shows. */
export const RATE_HISTORY_S = 60;
/** Soak intervals of RSS kept for the memory sparkline. */
export const RSS_HISTORY = 60;
const KEEP_MARKERS = 4;
const KEEP_WARNINGS = 3;
const KEEP_DONE_PHASES = 5;
const KEEP_TRIALS = 3;

/** Actions the view itself adds to the run's events. */
export type DashboardAction = RunEvent | { type: 'stop-requested' };

export interface PhaseNow {
  index: number;
  total: number;
  name: string;
  kind: string;
  /** `8 conn`, `500/s`, `ramp 3 steps`. */
  load: string;
  plannedSeconds?: number;
  startedS: number;
}

export interface DonePhase {
  name: string;
  counted: boolean;
  durationS: number;
  sent: number;
  ok: number;
  /** Where every request went: requests = ok + errors + timed_out + cut + refused + dropped + aborted + other. */
  account: RequestAccount;
  throughputRps: number;
  latency: LiveLatency;
  verdict?: { passed: boolean; kind: string; summary: string };
}

export interface TrialSeen {
  index: number;
  config: TrialConfig;
  capacityRps: number | null;
  p99Us?: number;
}

export interface SweepView {
  index: number;
  total: number;
  config: TrialConfig;
  running: boolean;
  best?: TrialBest;
  etaS?: number;
  recent: TrialSeen[];
}

export interface SoakView {
  atS: number;
  durationS: number;
  rssBytes?: number;
  heapUsedBytes?: number;
  p99Us: number;
  requests: number;
  errors: number;
  rssSlopeMbPerHour?: number;
  leakVerdict?: string;
  rssHistory: number[];
}

export interface DashboardState {
  scenario?: string;
  target?: string;
  model?: string;
  plannedPhases: { name: string; plannedSeconds?: number }[];
  /** The newest run-clock time any event carried. */
  nowS: number;
  phase?: PhaseNow;
  /** Requests completed per second, newest last. */
  rateHistory: number[];
  rateNow: number;
  okNow: number;
  latencyNow?: LiveLatency;
  latencyPhase?: LiveLatency;
  /** Worst single latency over the run. */
  maxRunUs: number;
  phaseRequests: number;
  phaseOk: number;
  errorsNow: Record<string, number>;
  errorsPhase: Record<string, number>;
  errorsRun: Record<string, number>;
  /** t of the last per-second row counted (rows are counted once even if a tick repeats one). */
  lastRowT: number;
  system?: SystemSample;
  markers: { atS: number; kind: string; detail?: string }[];
  warnings: { atS: number; message: string }[];
  /** The generator could not keep its schedule: the numbers describe the client. */
  saturation?: string;
  donePhases: DonePhase[];
  sweep?: SweepView;
  soak?: SoakView;
  stopping: boolean;
  finished?: { exitCode: number; error?: string };
}

export function initialDashboardState(): DashboardState {
  return {
    plannedPhases: [],
    nowS: 0,
    rateHistory: [],
    rateNow: 0,
    okNow: 0,
    maxRunUs: 0,
    phaseRequests: 0,
    phaseOk: 0,
    errorsNow: {},
    errorsPhase: {},
    errorsRun: {},
    lastRowT: -1,
    markers: [],
    warnings: [],
    donePhases: [],
    stopping: false,
  };
}

function describeLoad(event: Extract<RunEvent, { type: 'phase-start' }>): string {
  const phase = event.phase;
  if (phase.kind === 'ramp') return `ramp ${phase.mode} ${phase.steps.length} steps`;
  return phase.load.mode === 'open' ? `${phase.load.rate}/s` : `${phase.load.connections} conn`;
}

function addCounts(into: Record<string, number>, add: Record<string, number>): Record<string, number> {
  const out = { ...into };
  for (const [k, n] of Object.entries(add)) if (n > 0) out[k] = (out[k] ?? 0) + n;
  return out;
}

/** `total` with one part's estimate swapped for its exact counts. */
function replaceCounts(total: Record<string, number>, estimate: Record<string, number>, exact: Record<string, number>): Record<string, number> {
  const out = { ...total };
  for (const [k, n] of Object.entries(estimate)) out[k] = (out[k] ?? 0) - n;
  for (const [k, n] of Object.entries(exact)) out[k] = (out[k] ?? 0) + n;
  return Object.fromEntries(Object.entries(out).filter(([, n]) => n > 0));
}

const keepLast = <T>(list: T[], item: T, n: number): T[] => [...list, item].slice(-n);
const later = (state: DashboardState, atS: number) => Math.max(state.nowS, atS);

export function dashboardReducer(state: DashboardState, action: DashboardAction): DashboardState {
  switch (action.type) {
    case 'run-start':
      return { ...state, scenario: action.scenario, target: action.target, model: action.model, plannedPhases: action.phases.map((p) => ({ name: p.name, plannedSeconds: p.plannedSeconds })) };
    case 'phase-start':
      return {
        ...state,
        nowS: later(state, action.atS),
        phase: { index: action.index, total: action.total, name: action.phase.name, kind: action.phase.kind, load: describeLoad(action), plannedSeconds: action.plannedSeconds, startedS: action.atS },
        latencyNow: undefined,
        latencyPhase: undefined,
        phaseRequests: 0,
        phaseOk: 0,
        errorsNow: {},
        errorsPhase: {},
        finished: undefined,
      };
    case 'second': {
      const fresh = action.row.t > state.lastRowT;
      return {
        ...state,
        nowS: later(state, action.atS),
        rateHistory: fresh ? keepLast(state.rateHistory, action.row.requests, RATE_HISTORY_S) : state.rateHistory,
        rateNow: action.row.requests,
        okNow: action.row.ok,
        latencyNow: { p50: action.row.p50_us, p90: action.row.p90_us, p99: action.row.p99_us, max: action.row.max_us },
        latencyPhase: action.phaseLatency,
        maxRunUs: Math.max(state.maxRunUs, action.row.max_us, action.phaseLatency.max),
        phaseRequests: action.phaseRequests,
        phaseOk: action.phaseOk,
        errorsNow: action.row.errors,
        errorsPhase: fresh ? addCounts(state.errorsPhase, action.row.errors) : state.errorsPhase,
        errorsRun: fresh ? addCounts(state.errorsRun, action.row.errors) : state.errorsRun,
        lastRowT: Math.max(state.lastRowT, action.row.t),
        system: action.system ?? state.system,
      };
    }
    case 'marker':
      return { ...state, nowS: later(state, action.atS), markers: keepLast(state.markers, { atS: action.atS, kind: action.kind, detail: action.detail }, KEEP_MARKERS) };
    case 'warning':
      if (/saturat/i.test(action.message)) return { ...state, nowS: later(state, action.atS), saturation: action.message };
      return { ...state, nowS: later(state, action.atS), warnings: keepLast(state.warnings, { atS: action.atS, message: action.message }, KEEP_WARNINGS) };
    case 'phase-end': {
      const r = action.result;
      const done: DonePhase = {
        name: r.name,
        counted: r.counted,
        durationS: r.duration_s,
        sent: r.requests.sent,
        ok: r.requests.ok,
        account: accountOf(r.requests.outcomes),
        throughputRps: r.throughput_rps,
        latency: { p50: r.latency_us.p50, p90: r.latency_us.p90, p99: r.latency_us.p99, max: r.latency_us.max },
        ...(r.verdict ? { verdict: { passed: r.verdict.passed, kind: r.verdict.kind, summary: r.verdict.summary } } : {}),
      };
      // The phase's own count of outcomes is exact; the per-second rows may have missed a second.
      const outcomes = Object.fromEntries(Object.entries(r.requests.outcomes).filter(([k]) => k !== 'ok'));
      return {
        ...state,
        nowS: later(state, action.atS),
        donePhases: keepLast(state.donePhases, done, KEEP_DONE_PHASES),
        errorsPhase: outcomes,
        errorsRun: replaceCounts(state.errorsRun, state.errorsPhase, outcomes),
        maxRunUs: Math.max(state.maxRunUs, r.latency_us.max),
        saturation: state.saturation ?? (r.saturation && r.counted ? `generator saturated in phase ${r.name} (${r.saturation.reason})` : undefined),
      };
    }
    case 'run-end':
      return { ...state, finished: { exitCode: action.results.exit_code, ...(action.results.error ? { error: action.results.error } : {}) } };
    case 'trial-start':
      return {
        ...state,
        finished: undefined,
        sweep: { index: action.index, total: action.total, config: action.config, running: true, best: action.best ?? state.sweep?.best, etaS: action.etaS ?? state.sweep?.etaS, recent: state.sweep?.recent ?? [] },
      };
    case 'trial-end': {
      const seen: TrialSeen = { index: action.index, config: action.config, capacityRps: action.capacityRps, ...(action.p99Us !== undefined ? { p99Us: action.p99Us } : {}) };
      return {
        ...state,
        sweep: { index: action.index, total: action.total, config: action.config, running: false, best: action.best ?? state.sweep?.best, etaS: action.etaS ?? state.sweep?.etaS, recent: keepLast(state.sweep?.recent ?? [], seen, KEEP_TRIALS) },
      };
    }
    case 'soak-interval': {
      const { type: _type, ...soak } = action;
      // The soak's own clock (its atS) is not assumed to be the run clock the phases use.
      return {
        ...state,
        soak: { ...soak, rssHistory: action.rssBytes !== undefined ? keepLast(state.soak?.rssHistory ?? [], action.rssBytes, RSS_HISTORY) : (state.soak?.rssHistory ?? []) },
      };
    }
    case 'stop-requested':
      return { ...state, stopping: true };
  }
}

/** Seconds left in the current phase (undefined when it has no planned duration). */
export function phaseSecondsLeft(state: DashboardState): number | undefined {
  const phase = state.phase;
  if (!phase || phase.plannedSeconds === undefined) return undefined;
  return Math.max(0, phase.plannedSeconds - (state.nowS - phase.startedS));
}

/** Seconds left in the whole run: this phase's rest plus the planned phases after it. */
export function runSecondsLeft(state: DashboardState): number | undefined {
  const phase = state.phase;
  const left = phaseSecondsLeft(state);
  if (!phase || left === undefined) return undefined;
  let rest = left;
  for (const later of state.plannedPhases.slice(phase.index + 1)) {
    if (later.plannedSeconds === undefined) return undefined;
    rest += later.plannedSeconds;
  }
  return rest;
}
