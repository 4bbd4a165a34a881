// When the generator cannot keep the asked load, the run says its numbers describe the client.
import { describe, expect, it } from 'vitest';
import { judgeSaturation, lagBudgetMs, ScheduleLag, startSelfWatch, type ScheduleReading, type SelfWatchReading } from '../../src/load/saturation.ts';

const calm: SelfWatchReading = { eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 3, cpuPercent: 30, wallSeconds: 10 };
const onTime: ScheduleReading = { askedRate: 1000, achievedSendRate: 1000, issued: 10_000, lagP99Ms: 1, lagMaxMs: 4 };

describe('generator saturation', () => {
  it('allows 10% of the inter-arrival time as lag, within the timer grain (2 ms) and 20 ms', () => {
    expect(lagBudgetMs(1)).toBe(20);
    expect(lagBudgetMs(2)).toBe(20);
    expect(lagBudgetMs(10)).toBeCloseTo(10);
    expect(lagBudgetMs(1000)).toBe(2);
  });

  it('is quiet when the generator kept up', () => {
    expect(judgeSaturation(calm, onTime)).toBeUndefined();
    expect(judgeSaturation(calm)).toBeUndefined();
  });

  it.each([
    ['send lag', calm, { ...onTime, lagP99Ms: 5, lagMaxMs: 12 }, /send lag p99 5\.0 ms > 2\.0 ms/, 12],
    ['achieved rate', calm, { ...onTime, achievedSendRate: 900 }, /sent 900\/s of 1000\/s asked/, 4],
    ['own CPU', { ...calm, cpuPercent: 97 }, onTime, /generator CPU 97% of a core/, 4],
    ['event-loop delay', { ...calm, eventLoopDelayP99Ms: 35, eventLoopDelayMaxMs: 60 }, onTime, /event-loop delay p99 35\.0 ms/, 60],
  ])('names the %s when it is the cause', (_name, watch, schedule, reason, maxLagMs) => {
    const verdict = judgeSaturation(watch, schedule);
    expect(verdict?.reason).toMatch(reason);
    // The callers wrap it in 'generator saturated in <where>: ...'; the reason itself must not repeat that.
    expect(verdict?.reason).not.toMatch(/saturated|describe the client/);
    expect(verdict?.maxLagMs).toBe(maxLagMs);
    expect(verdict?.cpuPercent).toBe(watch.cpuPercent);
  });

  it('does not judge the achieved rate on a handful of requests', () => {
    expect(judgeSaturation(calm, { ...onTime, issued: 10, achievedSendRate: 800 })).toBeUndefined();
  });

  it('measures schedule lag in microseconds and its own CPU', () => {
    const lag = new ScheduleLag();
    for (let i = 0; i < 99; i++) lag.record(500);
    lag.record(40_000);
    expect(lag.p99Ms()).toBeCloseTo(0.5, 1);
    expect(lag.maxMs()).toBeCloseTo(40, 0);
  });

  it('reads its own CPU time over the watch', () => {
    const watch = startSelfWatch();
    const until = performance.now() + 150;
    while (performance.now() < until);
    const reading = watch.stop();
    // The machine is shared, so only the direction is certain: a busy loop used CPU, over at least its own wall time.
    expect(reading.cpuPercent).toBeGreaterThan(0);
    expect(reading.wallSeconds).toBeGreaterThanOrEqual(0.15);
  });
});
