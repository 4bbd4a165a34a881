// A small, realistic event sequence (what the runner emits for a two-phase run with a shutdown
// fault), plus sweep and soak events, for the reducer and frame tests.
import type { RunEvent } from '../../src/contract/events.ts';
import type { PhaseResult, SecondRow, SystemSample } from '../../src/contract/results.ts';
import type { Phase } from '../../src/contract/scenario.ts';

export const steadyPhase: Phase = { kind: 'steady', name: 'closed-8', duration_s: 15, thresholds: [], load: { mode: 'closed', connections: 8, pipelining: 1 } };
export const shutdownPhase: Phase = { kind: 'shutdown', name: 'drain', duration_s: 6, thresholds: [], load: { mode: 'open', rate: 200, max_in_flight: 64 }, signal_at_s: 3, signal: 'SIGTERM', drain_deadline_ms: 5000, stalled_clients: 0 };

export function row(t: number, requests: number, errors: Record<string, number> = {}, p99 = 4500): SecondRow {
  const failed = Object.values(errors).reduce((a, n) => a + n, 0);
  return { t, phase: 'closed-8', requests, ok: requests - failed, errors, p50_us: 1200, p90_us: 2300, p99_us: p99, max_us: 9800 };
}

export const system: SystemSample = { t: 3, server_cpu_percent: 85.2, server_rss_bytes: 250 * 1024 * 1024, machine_cpu_percent: 97, loadgen_cpu_percent: 60 };

export function second(t: number, requests: number, errors: Record<string, number> = {}, withSystem = true): RunEvent {
  return {
    type: 'second',
    atS: t + 1.05,
    phase: 'closed-8',
    row: row(t, requests, errors),
    phaseLatency: { p50: 1100, p90: 2200, p99: 4400, max: 12_000 },
    phaseOk: requests * 3,
    phaseRequests: requests * 3 + 8,
    ...(withSystem ? { system: { ...system, t } } : {}),
  };
}

export function phaseResult(overrides: Partial<PhaseResult> = {}): PhaseResult {
  return {
    name: 'closed-8',
    kind: 'steady',
    counted: true,
    started_s: 0.5,
    duration_s: 15,
    load: { mode: 'closed', connections: 8 },
    requests: { sent: 18_000, completed: 18_000, ok: 17_990, outcomes: { ok: 17_990, status_503: 10 } },
    throughput_rps: 1199.3,
    latency_us: { count: 18_000, min: 300, mean: 1300, p50: 1100, p90: 2200, p99: 4400, p999: 9000, max: 15_000 },
    histogram: '',
    ...overrides,
  };
}

/** A run: start, a steady phase with a 503 burst, a saturation warning, a shutdown phase with markers. */
export function runEvents(): RunEvent[] {
  return [
    { type: 'run-start', scenario: 'demo', target: 'http://127.0.0.1:41234', model: 'mlp', phases: [{ name: 'closed-8', kind: 'steady', plannedSeconds: 15 }, { name: 'drain', kind: 'shutdown', plannedSeconds: 6 }] },
    { type: 'phase-start', index: 0, total: 2, phase: steadyPhase, plannedSeconds: 15, atS: 0.5 },
    second(1, 1180),
    second(2, 1210, { status_503: 4 }),
    second(3, 1234, { status_503: 6 }),
    { type: 'phase-end', atS: 15.5, result: phaseResult({ saturation: { reason: 'event loop lag p99 25ms', maxLagMs: 40, cpuPercent: 97 } }) },
    { type: 'warning', atS: 15.6, message: 'generator saturated in phase closed-8: results describe the client, not the server (event loop lag p99 25ms)' },
    { type: 'phase-start', index: 1, total: 2, phase: shutdownPhase, plannedSeconds: 6, atS: 15.6 },
    { type: 'marker', atS: 18.6, kind: 'shutdown-sent', detail: 'SIGTERM' },
    { type: 'marker', atS: 19.2, kind: 'server-exited', detail: 'code 0' },
  ];
}

export function sweepEvents(): RunEvent[] {
  return [
    { type: 'trial-start', index: 0, total: 12, config: { workers: 1, max_batch_size: 8 }, etaS: 600 },
    { type: 'trial-end', index: 0, total: 12, config: { workers: 1, max_batch_size: 8 }, capacityRps: 1300, p99Us: 40_000, best: { config: { workers: 1, max_batch_size: 8 }, capacityRps: 1300 }, etaS: 550 },
    { type: 'trial-start', index: 1, total: 12, config: { workers: 2, max_batch_size: 16 }, best: { config: { workers: 1, max_batch_size: 8 }, capacityRps: 1300 }, etaS: 550 },
  ];
}

export function soakEvents(): RunEvent[] {
  const mb = 1024 * 1024;
  return [
    { type: 'soak-interval', atS: 600, durationS: 28_800, rssBytes: 240 * mb, p99Us: 11_000, requests: 60_000, errors: 0 },
    { type: 'soak-interval', atS: 1200, durationS: 28_800, rssBytes: 246 * mb, p99Us: 12_000, requests: 120_000, errors: 2, rssSlopeMbPerHour: 36.5, leakVerdict: 'leak' },
  ];
}
