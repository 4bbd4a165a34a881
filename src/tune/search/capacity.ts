// The highest open-loop arrival rate that meets an SLO (p99 <= slo and error rate <= limit), as a
// pure state machine: the runner asks nextRate(), runs that rate, and hands the numbers to observe().
// Exponential growth until the first failure, then bisection to a relative precision; every
// measured point is kept (the latency-throughput curve). A failure just past the SLO may be noise,
// so it is measured once more and the two measurements are averaged before deciding. A failure
// before anything passed (usually the start rate, set from the best capacity so far) is measured
// once more too, and the second reading decides: one pause of a shared machine there would
// otherwise send the whole search down and halve the capacity.
import { ServebenchError } from '../../contract/errors.ts';

export interface CapacitySearchOptions {
  sloP99Us: number;
  /** Largest acceptable error rate (a fraction), default 0.001. */
  maxErrorRate?: number;
  /** First rate tried, default 100 rps. */
  startRps?: number;
  /** Rate multiplier while every rate passes, default 2. */
  growthFactor?: number;
  /** Stop when (lowest failing - highest passing) / highest passing <= this, default 0.05. */
  precision?: number;
  /** Measurements at most, re-measurements included, default 16. */
  maxTrials?: number;
  minRps?: number;
  maxRps?: number;
  /** Throughput below this share of the offered rate means the server could not keep up, default 0.9. */
  minAchievedRatio?: number;
  /** A failure within this relative margin of every limit it broke is measured again once, default 0.1; 0 turns it off. */
  remeasureMargin?: number;
  /** Measure the first failure again when nothing has passed yet, and let that reading decide; default true. */
  confirmFirstFailure?: boolean;
}

export interface CapacityObservation {
  p99Us: number;
  errorRate: number;
  achievedRps: number;
}

export interface CapacityPoint extends CapacityObservation {
  rateRps: number;
  passed: boolean;
  /** Which limits this measurement broke, e.g. ['p99']. */
  broke: ('p99' | 'error_rate' | 'throughput')[];
  /** The second measurement of a rate whose first failure was marginal (or came before any pass). */
  remeasure: boolean;
  /** A first failure that its confirming re-measure overruled: kept on the curve, left out of atCapacity. */
  superseded?: boolean;
}

type Options = Required<CapacitySearchOptions>;

export interface CapacityState {
  readonly options: Options;
  readonly points: readonly CapacityPoint[];
  readonly highestPass?: number;
  readonly lowestFail?: number;
  /** A rate whose failure is to be measured again. */
  readonly pendingRemeasure?: number;
  /** marginal: decide on the average of both readings; confirm: the second reading decides. */
  readonly pendingKind?: 'marginal' | 'confirm';
}

export type StopReason = 'converged' | 'max-trials' | 'max-rate' | 'min-rate';

export interface CapacityResult {
  /** Highest rate that met the SLO; 0 when none did. */
  capacityRps: number;
  /** The measurement that decided the capacity (averaged when re-measured). */
  atCapacity?: CapacityObservation;
  reason: StopReason;
  trials: number;
  /** Every measurement, by rate: the latency-throughput curve. */
  curve: CapacityPoint[];
}

export type NextStep = { done: false; rateRps: number; remeasure: boolean } | { done: true; result: CapacityResult };

export function startCapacitySearch(options: CapacitySearchOptions): CapacityState {
  const o: Options = {
    maxErrorRate: 0.001, startRps: 100, growthFactor: 2, precision: 0.05, maxTrials: 16, minRps: 1,
    maxRps: Number.POSITIVE_INFINITY, minAchievedRatio: 0.9, remeasureMargin: 0.1, confirmFirstFailure: true, ...options,
  };
  const bad = (name: string, value: number, expected: string): never => {
    throw new ServebenchError('SB_ERR_INVALID_INPUT', `capacity search: ${name} is ${value}, expected ${expected}`);
  };
  if (!(o.sloP99Us > 0)) bad('sloP99Us', o.sloP99Us, 'a p99 limit > 0 microseconds');
  if (!(o.growthFactor > 1)) bad('growthFactor', o.growthFactor, 'a number > 1');
  if (!(o.precision > 0)) bad('precision', o.precision, 'a relative precision > 0, e.g. 0.05');
  if (!(o.minRps > 0 && o.minRps <= o.startRps && o.startRps <= o.maxRps)) bad('startRps', o.startRps, `a rate within [minRps ${o.minRps}, maxRps ${o.maxRps}]`);
  if (!(o.maxTrials >= 1)) bad('maxTrials', o.maxTrials, 'at least 1');
  return { options: o, points: [] };
}

const round = (rps: number): number => Math.round(rps * 100) / 100;

function result(state: CapacityState, reason: StopReason): CapacityResult {
  const capacityRps = state.highestPass ?? 0;
  const atRate = state.points.filter((p) => p.rateRps === capacityRps && !p.superseded);
  return {
    capacityRps,
    atCapacity: atRate.length > 0 ? averaged(atRate) : undefined,
    reason,
    trials: state.points.length,
    curve: [...state.points].sort((a, b) => a.rateRps - b.rateRps || Number(a.remeasure) - Number(b.remeasure)),
  };
}

/** What to measure next, or the result when the search is over. */
export function nextRate(state: CapacityState): NextStep {
  const o = state.options;
  if (state.pendingRemeasure !== undefined && state.points.length < o.maxTrials) return { done: false, rateRps: state.pendingRemeasure, remeasure: true };
  const stop = (reason: StopReason): NextStep => ({ done: true, result: result(state, reason) });
  const { highestPass: pass, lowestFail: fail } = state;
  if (pass !== undefined && fail !== undefined && (fail - pass) / pass <= o.precision) return stop('converged');
  if (state.points.length >= o.maxTrials) return stop('max-trials');
  const next = (rateRps: number): NextStep => ({ done: false, rateRps: round(rateRps), remeasure: false });
  if (pass === undefined && fail === undefined) return next(o.startRps);
  if (fail === undefined) return pass! >= o.maxRps ? stop('max-rate') : next(Math.min(pass! * o.growthFactor, o.maxRps));
  if (pass === undefined) return fail <= o.minRps ? stop('min-rate') : next(Math.max(fail / o.growthFactor, o.minRps));
  return next((pass + fail) / 2);
}

function averaged(points: readonly CapacityObservation[]): CapacityObservation {
  const avg = (f: (p: CapacityObservation) => number): number => points.reduce((s, p) => s + f(p), 0) / points.length;
  return { p99Us: avg((p) => p.p99Us), errorRate: avg((p) => p.errorRate), achievedRps: avg((p) => p.achievedRps) };
}

function limitsBroken(o: Options, rate: number, obs: CapacityObservation, slack = 1): CapacityPoint['broke'] {
  const broke: CapacityPoint['broke'] = [];
  if (obs.p99Us > o.sloP99Us * slack) broke.push('p99');
  if (obs.errorRate > o.maxErrorRate * slack) broke.push('error_rate');
  if (obs.achievedRps < o.minAchievedRatio * rate * (2 - slack)) broke.push('throughput');
  return broke;
}

/** Records the measurement of the rate nextRate() asked for and returns the new state. */
export function observe(state: CapacityState, rateRps: number, obs: CapacityObservation): CapacityState {
  const step = nextRate(state);
  if (step.done) throw new ServebenchError('SB_ERR_SEARCH_STATE', `capacity search: observe(${rateRps} rps) after the search ended (${step.result.reason})`);
  if (step.rateRps !== rateRps) throw new ServebenchError('SB_ERR_SEARCH_STATE', `capacity search: expected a measurement at ${step.rateRps} rps, got ${rateRps} rps`);
  for (const [k, v] of Object.entries(obs)) {
    if (!Number.isFinite(v) || v < 0) throw new ServebenchError('SB_ERR_INVALID_INPUT', `capacity search: ${k} at ${rateRps} rps is ${v}, expected a number >= 0`);
  }
  const o = state.options;
  const broke = limitsBroken(o, rateRps, obs);
  const point: CapacityPoint = { rateRps, ...obs, passed: broke.length === 0, broke, remeasure: step.remeasure };
  let points = [...state.points, point];

  let passed = point.passed;
  if (step.remeasure && state.pendingKind === 'confirm') {
    // The confirmation decides; the reading it re-measured no longer describes this rate.
    points = points.map((p) => (p.rateRps === rateRps && p !== point ? { ...p, superseded: true } : p));
  } else if (step.remeasure) {
    // A marginal failure: decide on the average of both measurements.
    passed = limitsBroken(o, rateRps, averaged(points.filter((p) => p.rateRps === rateRps))).length === 0;
  } else if (!passed && o.remeasureMargin > 0 && limitsBroken(o, rateRps, obs, 1 + o.remeasureMargin).length === 0) {
    return { ...state, points, pendingRemeasure: rateRps, pendingKind: 'marginal' };
  } else if (!passed && o.confirmFirstFailure && state.highestPass === undefined && state.lowestFail === undefined) {
    return { ...state, points, pendingRemeasure: rateRps, pendingKind: 'confirm' };
  }
  return {
    options: o,
    points,
    highestPass: passed ? Math.max(state.highestPass ?? 0, rateRps) : state.highestPass,
    lowestFail: passed ? state.lowestFail : Math.min(state.lowestFail ?? Number.POSITIVE_INFINITY, rateRps),
  };
}

/** Runs a whole search against a measuring function (for simulations and tests; the runner drives it step by step). */
export function searchCapacity(options: CapacitySearchOptions, measure: (rateRps: number) => CapacityObservation): CapacityResult {
  let state = startCapacitySearch(options);
  for (;;) {
    const step = nextRate(state);
    if (step.done) return step.result;
    state = observe(state, step.rateRps, measure(step.rateRps));
  }
}
