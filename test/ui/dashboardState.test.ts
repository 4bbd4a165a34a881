// The dashboard's reducer, without ink: each event's effect on the state, as a table, and the
// properties a live screen relies on (bounded history, rows counted once, no mutation).
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/contract/events.ts';
import { dashboardReducer, initialDashboardState, phaseSecondsLeft, RATE_HISTORY_S, runSecondsLeft, type DashboardAction, type DashboardState } from '../../src/ui/dashboardState.ts';
import { phaseResult, runEvents, second, shutdownPhase, soakEvents, steadyPhase, sweepEvents, system } from './sampleEvents.ts';

const fold = (actions: DashboardAction[], from = initialDashboardState()) => actions.reduce(dashboardReducer, from);
const [runStart, phaseStart] = runEvents();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('dashboardReducer', () => {
  const cases: { name: string; before: DashboardAction[]; event: DashboardAction; expect: (s: DashboardState) => void }[] = [
    {
      name: 'run-start names the scenario, target, model and planned phases',
      before: [],
      event: runStart,
      expect: (s) => expect(s).toMatchObject({ scenario: 'demo', target: 'http://127.0.0.1:41234', model: 'mlp', plannedPhases: [{ name: 'closed-8', plannedSeconds: 15 }, { name: 'drain', plannedSeconds: 6 }] }),
    },
    {
      name: 'phase-start sets the phase, its load and start, and clears the previous phase numbers',
      before: [runStart, phaseStart, second(1, 1000, { timeout: 2 })],
      event: { type: 'phase-start', index: 1, total: 2, phase: shutdownPhase, plannedSeconds: 6, atS: 15.6 },
      expect: (s) => {
        expect(s.phase).toEqual({ index: 1, total: 2, name: 'drain', kind: 'shutdown', load: '200/s', plannedSeconds: 6, startedS: 15.6 });
        expect(s.errorsPhase).toEqual({});
        expect(s.latencyPhase).toBeUndefined();
        expect(s.errorsRun).toEqual({ timeout: 2 });
      },
    },
    {
      name: 'second sets the rate, both latency rows, phase counts and the system sample',
      before: [runStart, phaseStart],
      event: second(1, 1180, { status_503: 3 }),
      expect: (s) => {
        expect(s).toMatchObject({ rateNow: 1180, okNow: 1177, rateHistory: [1180], phaseOk: 3540, phaseRequests: 3548, maxRunUs: 12_000, nowS: 2.05 });
        expect(s.latencyNow).toEqual({ p50: 1200, p90: 2300, p99: 4500, max: 9800 });
        expect(s.latencyPhase).toEqual({ p50: 1100, p90: 2200, p99: 4400, max: 12_000 });
        expect(s.errorsPhase).toEqual({ status_503: 3 });
        expect(s.system).toEqual({ ...system, t: 1 });
      },
    },
    {
      name: 'a second without a system sample keeps the last one',
      before: [runStart, phaseStart, second(1, 1000)],
      event: second(2, 1000, {}, false),
      expect: (s) => expect(s.system?.t).toBe(1),
    },
    {
      name: 'a repeated per-second row (a late tick) updates the view but is not counted twice',
      before: [runStart, phaseStart, second(1, 1000, { status_503: 3 })],
      event: second(1, 1000, { status_503: 3 }),
      expect: (s) => {
        expect(s.rateHistory).toEqual([1000]);
        expect(s.errorsPhase).toEqual({ status_503: 3 });
        expect(s.errorsRun).toEqual({ status_503: 3 });
      },
    },
    {
      name: 'marker keeps the fault markers in order, the last four',
      before: [runStart, ...[1, 2, 3, 4].map((i): RunEvent => ({ type: 'marker', atS: i, kind: 'proxy-cut' }))],
      event: { type: 'marker', atS: 5, kind: 'proxy-restored', detail: 'after 500 ms' },
      expect: (s) => expect(s.markers.map((m) => [m.atS, m.kind])).toEqual([[2, 'proxy-cut'], [3, 'proxy-cut'], [4, 'proxy-cut'], [5, 'proxy-restored']]),
    },
    {
      name: 'a saturation warning becomes the saturation banner, not an ordinary warning',
      before: [runStart],
      event: { type: 'warning', atS: 9, message: 'generator saturated in phase closed-8: results describe the client' },
      expect: (s) => {
        expect(s.saturation).toContain('generator saturated in phase closed-8');
        expect(s.warnings).toEqual([]);
      },
    },
    {
      name: 'other warnings are listed with their time',
      before: [runStart],
      event: { type: 'warning', atS: 9, message: 'server /metrics not available' },
      expect: (s) => expect(s.warnings).toEqual([{ atS: 9, message: 'server /metrics not available' }]),
    },
    {
      name: 'phase-end records the phase and swaps the per-second error estimate for its exact outcomes',
      before: [runStart, phaseStart, second(1, 1000, { status_503: 3 }), second(2, 1000, { timeout: 1 })],
      event: { type: 'phase-end', atS: 15.5, result: phaseResult({ requests: { sent: 100, completed: 100, ok: 88, outcomes: { ok: 88, status_503: 12 } } }) },
      expect: (s) => {
        expect(s.errorsPhase).toEqual({ status_503: 12 });
        expect(s.errorsRun).toEqual({ status_503: 12 });
        expect(s.donePhases).toEqual([expect.objectContaining({ name: 'closed-8', ok: 88, sent: 100, counted: true, throughputRps: 1199.3 })]);
        expect(s.maxRunUs).toBe(15_000);
      },
    },
    {
      name: 'phase-end of a saturated counted phase raises the saturation banner',
      before: [runStart, phaseStart],
      event: { type: 'phase-end', atS: 15.5, result: phaseResult({ saturation: { reason: 'cpu 97%', maxLagMs: 30, cpuPercent: 97 } }) },
      expect: (s) => expect(s.saturation).toBe('generator saturated in phase closed-8 (cpu 97%)'),
    },
    {
      name: 'run-end marks the run finished with its exit code',
      before: [runStart],
      event: { type: 'run-end', results: { exit_code: 2, error: 'interrupted before the last phase finished' } as never },
      expect: (s) => expect(s.finished).toEqual({ exitCode: 2, error: 'interrupted before the last phase finished' }),
    },
    {
      name: 'trial-start shows trial i/N, the configuration, best so far and ETA',
      before: sweepEvents().slice(0, 2),
      event: sweepEvents()[2],
      expect: (s) => expect(s.sweep).toMatchObject({ index: 1, total: 12, running: true, config: { workers: 2, max_batch_size: 16 }, best: { capacityRps: 1300 }, etaS: 550, recent: [{ index: 0, capacityRps: 1300, p99Us: 40_000 }] }),
    },
    {
      name: 'soak-interval shows elapsed/planned, RSS, its slope, p99 and the leak verdict, and keeps the RSS history',
      before: soakEvents().slice(0, 1),
      event: soakEvents()[1],
      expect: (s) => expect(s.soak).toMatchObject({ atS: 1200, durationS: 28_800, rssBytes: 246 * 1024 * 1024, rssSlopeMbPerHour: 36.5, p99Us: 12_000, leakVerdict: 'leak', rssHistory: [240 * 1024 * 1024, 246 * 1024 * 1024] }),
    },
    {
      name: 'stop-requested shows that the run is stopping',
      before: [runStart],
      event: { type: 'stop-requested' },
      expect: (s) => expect(s.stopping).toBe(true),
    },
  ];

  it.each(cases)('$name', ({ before, event, expect: check }) => {
    const state = deepFreeze(fold(before));
    check(dashboardReducer(state, event));
  });

  it('keeps the rate history to the last 60 seconds', () => {
    const seconds = Array.from({ length: RATE_HISTORY_S + 15 }, (_, t) => second(t, t + 1));
    const s = fold([runStart, phaseStart, ...seconds]);
    expect(s.rateHistory).toHaveLength(RATE_HISTORY_S);
    expect(s.rateHistory[0]).toBe(16);
    expect(s.rateHistory.at(-1)).toBe(RATE_HISTORY_S + 15);
  });

  it('counts time left in the phase and in the run from the events clock', () => {
    const s = fold([runStart, phaseStart, second(3, 1000)]);
    // phase started at 0.5 s, 15 s planned, now 4.05 s -> 11.45 s left; then 6 s of drain.
    expect(phaseSecondsLeft(s)).toBeCloseTo(11.45, 5);
    expect(runSecondsLeft(s)).toBeCloseTo(17.45, 5);
    expect(phaseSecondsLeft(initialDashboardState())).toBeUndefined();
  });

  it('describes ramp and open loads in a few characters', () => {
    const ramp = fold([{ type: 'phase-start', index: 0, total: 1, atS: 0, phase: { kind: 'ramp', name: 'r', mode: 'open', thresholds: [], max_in_flight: 10, steps: [{ rate: 1, duration_s: 1 }, { rate: 2, duration_s: 1 }] } }]);
    expect(ramp.phase?.load).toBe('ramp open 2 steps');
    expect(fold([{ ...phaseStart, phase: steadyPhase } as RunEvent]).phase?.load).toBe('8 conn');
  });
});
