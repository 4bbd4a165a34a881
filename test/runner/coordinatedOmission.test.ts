// The open loop is honest: a periodic server stall shows up in its p99, because latency counts
// from the intended send time; a closed loop on the same server hides it (coordinated omission).
import { describe, expect, it } from 'vitest';
import { percentileFromEncoded } from '../../src/analyze/latency.ts';
import { runScenario } from '../../src/runner/run.ts';
import { parseScenario } from '../../src/scenario/load.ts';

const STALL_MS = 300;

function stalledScenario(phase: Record<string, unknown>) {
  return parseScenario(
    {
      name: 'stall',
      target: { kind: 'embedded', server: { workers: 1, fault_stall_ms: STALL_MS, fault_stall_every_s: 1 } },
      model: 'mlp',
      phases: [{ kind: 'steady', duration: '5s', ...phase }],
    },
    'inline stall scenario',
  );
}

describe('coordinated omission', () => {
  it('the open loop reports the stall in its p90 and p99; the closed loop of the same server does not', { timeout: 180_000 }, async () => {
    const open = await runScenario(stalledScenario({ rate: 400 }), { runId: 'co-open' });
    const closed = await runScenario(stalledScenario({ connections: 4 }), { runId: 'co-closed' });
    const openPhase = open.phases[0];
    const closedPhase = closed.phases[0];
    expect(openPhase.load.mode).toBe('open');
    expect(closedPhase.load.mode).toBe('closed');
    expect(openPhase.requests.ok).toBeGreaterThan(500);
    // A 300 ms stall each second catches ~30% of an open loop's requests, each waiting what was left
    // of the stall when it was due: uniform over (0, 300] ms. So the top 1% (a thirtieth of those)
    // waited at least ~290 ms, the top 10% at least ~200 ms, and the first one due the whole stall.
    expect(openPhase.latency_us.max).toBeGreaterThanOrEqual(STALL_MS * 1000 * 0.95);
    expect(openPhase.latency_us.p99).toBeGreaterThanOrEqual(STALL_MS * 1000 * 0.8);
    expect(openPhase.latency_us.p90).toBeGreaterThanOrEqual(STALL_MS * 1000 * 0.5);
    // The closed loop sends nothing while stalled: each of its 4 connections waits through a stall
    // with one request at most, so at most 4 per stall wait half of one (twice that allowed for the
    // loaded machine's own pauses). Its p99 alone says little: with few requests those are 1%.
    expect(closedPhase.latency_us.max).toBeGreaterThanOrEqual(STALL_MS * 1000 * 0.5);
    const stalls = Math.ceil(closedPhase.duration_s) + 1;
    const mostStalled = 2 * 4 * stalls;
    expect(closedPhase.requests.completed).toBeGreaterThan(4 * mostStalled);
    const unstalledShare = 100 * (1 - mostStalled / closedPhase.requests.completed);
    expect(percentileFromEncoded(closedPhase.histogram, unstalledShare)).toBeLessThan((STALL_MS * 1000) / 2);
  });
});
