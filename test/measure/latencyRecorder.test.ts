// The latency recorder: coordinated-omission-correct latency, outcomes, per-second rows, bounded memory.
import { describe, expect, it } from 'vitest';
import type { Outcome, RequestSample } from '../../src/load/types.ts';
import { LatencyRecorder } from '../../src/measure/latencyRecorder.ts';
import { decodeHistogram } from '../../src/analyze/latency.ts';

const RUN_START_US = 50_000_000; // the run's clock does not start at zero
const S = 1_000_000;

function sample(intendedUs: number, endUs: number, outcome: Outcome = 'ok', requestClass = 'valid', sentUs = intendedUs): RequestSample {
  return { intendedUs: RUN_START_US + intendedUs, sentUs: RUN_START_US + sentUs, endUs: RUN_START_US + endUs, outcome, requestClass };
}

describe('LatencyRecorder', () => {
  it('measures latency from the intended send time, not the actual one (no coordinated omission)', () => {
    const rec = new LatencyRecorder({ phase: 'steady', runStartUs: RUN_START_US });
    // Sent 900 ms late because the client was blocked: the user waited 1 s, not 100 ms.
    rec.record(sample(0, 1_000_000, 'ok', 'valid', 900_000));
    const { latency_us } = rec.phaseSummary();
    expect(latency_us.count).toBe(1);
    expect(latency_us.p50).toBeGreaterThanOrEqual(1_000_000);
    expect(latency_us.p50).toBeLessThan(1_001_000);
  });

  it('counts outcomes per phase and per request class, and does not time dropped requests', () => {
    const rec = new LatencyRecorder({ phase: 'p', runStartUs: RUN_START_US });
    rec.record(sample(0, 1_000));
    rec.record(sample(0, 2_000));
    rec.record(sample(0, 3_000, 'status_503'));
    rec.record(sample(0, 30_000, 'timeout'));
    rec.record(sample(0, 500, 'reset'));
    rec.record(sample(0, 0, 'dropped'));
    rec.record(sample(0, 800, 'status_400', 'negative_dim'));
    const { requests, latency_us, histogram } = rec.phaseSummary();
    expect(requests.outcomes).toEqual({ ok: 2, status_503: 1, timeout: 1, reset: 1, dropped: 1, status_400: 1 });
    expect(requests.ok).toBe(2);
    expect(requests.sent).toBe(6);
    expect(requests.completed).toBe(4); // answered with a status: ok, 503, 400
    expect(requests.by_class).toEqual({ valid: { ok: 2, status_503: 1, timeout: 1, reset: 1, dropped: 1 }, negative_dim: { status_400: 1 } });
    expect(latency_us.count).toBe(6);
    expect(latency_us.max).toBeGreaterThanOrEqual(30_000);
    expect(decodeHistogram(histogram).totalCount).toBe(6);
  });

  it('writes one row per second of completion, with gaps as zero rows', () => {
    const rec = new LatencyRecorder({ phase: 'steady', runStartUs: RUN_START_US });
    for (let i = 0; i < 10; i++) rec.record(sample(2 * S + i * 1000, 2 * S + i * 1000 + 5_000));
    rec.record(sample(2 * S + 990_000, 3 * S + 10_000, 'status_503')); // completes in second 3
    rec.record(sample(5 * S, 5 * S + 200_000));
    const rows = rec.secondRows('steady');
    expect(rows.map((r) => r.t)).toEqual([2, 3, 4, 5]);
    expect(rows.every((r) => r.phase === 'steady')).toBe(true);
    expect(rows[0]).toMatchObject({ requests: 10, ok: 10, errors: {} });
    expect(rows[0].p50_us).toBeGreaterThanOrEqual(5_000);
    expect(rows[0].p50_us).toBeLessThan(5_010);
    expect(rows[1]).toMatchObject({ requests: 1, ok: 0, errors: { status_503: 1 } });
    expect(rows[1].max_us).toBeGreaterThanOrEqual(20_000);
    expect(rows[2]).toEqual({ t: 4, phase: 'steady', requests: 0, ok: 0, errors: {}, p50_us: 0, p90_us: 0, p99_us: 0, max_us: 0 });
    expect(rows[3].p99_us).toBeGreaterThanOrEqual(200_000);
  });

  it('covers the whole phase with rows when given its start and end, silent seconds included', () => {
    const rec = new LatencyRecorder({ phase: 'stall', runStartUs: RUN_START_US, phaseStartUs: RUN_START_US + 10 * S });
    rec.record(sample(11 * S, 11 * S + 3_000));
    const rows = rec.secondRows('stall', RUN_START_US + 14 * S + 1);
    expect(rows.map((r) => [r.t, r.requests])).toEqual([[10, 0], [11, 1], [12, 0], [13, 0], [14, 0]]);
  });

  it('keeps memory bounded by time: 200k samples over 5 seconds leave 5 rows and at most 2 live second-histograms', () => {
    const rec = new LatencyRecorder({ phase: 'soak', runStartUs: RUN_START_US });
    const perSecond = 40_000;
    for (let i = 0; i < 5 * perSecond; i++) {
      const end = Math.floor((i * S) / perSecond);
      rec.record(sample(end - 1_000 - (i % 1000), end));
    }
    expect(rec.retainedSecondHistograms).toBeLessThanOrEqual(2);
    const rows = rec.secondRows();
    expect(rows).toHaveLength(5);
    expect(rows.reduce((n, r) => n + r.requests, 0)).toBe(200_000);
    // Closed seconds kept their percentiles when their histogram was recycled.
    for (const row of rows) {
      expect(row.p50_us).toBeGreaterThanOrEqual(1_499); // 1000..1999 uniform: the 50% point is 1499
      expect(row.p50_us).toBeLessThan(1_502);
      expect(row.max_us).toBeGreaterThanOrEqual(1_999);
    }
    expect(rec.phaseSummary().latency_us.count).toBe(200_000);
    expect(rec.lateSamples).toBe(0);
  });

  it('counts a sample that arrives after its second closed, without losing it from the phase', () => {
    const rec = new LatencyRecorder({ phase: 'p', runStartUs: RUN_START_US });
    rec.record(sample(0, 10_000));
    rec.record(sample(3 * S, 3 * S + 1_000)); // closes seconds 0 and 1
    rec.record(sample(0, 500_000, 'timeout')); // belongs to second 0, delivered late
    expect(rec.lateSamples).toBe(1);
    expect(rec.secondRows()[0]).toMatchObject({ t: 0, requests: 2, ok: 1, errors: { timeout: 1 } });
    expect(rec.phaseSummary().latency_us.count).toBe(3);
  });

  it('gives the dashboard the last finished second and the running totals', () => {
    let now = RUN_START_US;
    const rec = new LatencyRecorder({ phase: 'steady', runStartUs: RUN_START_US, nowUs: () => now });
    expect(rec.snapshot().last).toBeNull();
    for (let i = 0; i < 100; i++) rec.record(sample(i * 10_000, i * 10_000 + 2_000));
    rec.record(sample(500_000, 600_000, 'status_503'));
    rec.record(sample(500_000, 600_000, 'status_400', 'invalid_json'));
    now = RUN_START_US + 1.5 * S;
    for (let i = 0; i < 20; i++) rec.record(sample(S + i * 10_000, S + i * 10_000 + 4_000));
    const snap = rec.snapshot();
    expect(snap.last).toMatchObject({ t: 0, requests: 102, ok: 100, errors: { status_503: 1, status_400: 1 } });
    expect(snap.ratePerSecond).toBe(102);
    expect(snap.last!.p50_us).toBeGreaterThanOrEqual(2_000);
    expect(snap.last!.p50_us).toBeLessThan(2_010);
    expect(snap.sent).toBe(122);
    expect(snap.ok).toBe(120);
    expect(snap.errors).toEqual({ status_503: 1, status_400: 1 });
    expect(snap.by_class.invalid_json).toEqual({ status_400: 1 });
    expect(snap.latency_us.count).toBe(122);
    // Second 1 is still running: its row is live, not closed.
    expect(rec.retainedSecondHistograms).toBe(1);
  });
});
