// The generator watching itself: when its own event loop or CPU cannot keep the asked schedule, the
// latencies it records describe the client, not the server, and the run must say so.
import { createHistogram, monitorEventLoopDelay, type RecordableHistogram } from 'node:perf_hooks';
import type { LoadRunSummary } from './types.ts';

/** A timer loop wakes ~1 ms late at best: schedule lag below this is the timer's grain, not saturation. */
export const LAG_FLOOR_MS = 2;
/** Lag beyond this always means the generator fell behind, whatever the rate. */
export const LAG_CEILING_MS = 20;
/** Share of the inter-arrival time the schedule may slip before the arrivals stop being the asked process. */
export const LAG_SHARE_OF_INTERVAL = 0.1;
export const MIN_SEND_RATE_SHARE = 0.95;
/** Percent of one core (process.cpuUsage counts user + system over wall time). */
export const MAX_CPU_PERCENT = 90;
/** Fewer issued requests than this say nothing about the achieved rate (one late tick dominates). */
const MIN_ISSUED_FOR_RATE = 50;

export interface SelfWatchReading {
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Percent of one core used by this process over the watch. */
  cpuPercent: number;
  wallSeconds: number;
}

export interface SelfWatch {
  /** Ends the watch; later calls return the same reading. */
  stop(): SelfWatchReading;
}

export function startSelfWatch(): SelfWatch {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  let reading: SelfWatchReading | undefined;
  return {
    stop() {
      if (reading !== undefined) return reading;
      delay.disable();
      const cpu = process.cpuUsage(cpu0);
      const wallUs = Number(process.hrtime.bigint() - wall0) / 1000;
      const nsToMs = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
      reading = {
        eventLoopDelayP99Ms: delay.count > 0 ? nsToMs(delay.percentile(99)) : 0,
        eventLoopDelayMaxMs: delay.count > 0 ? nsToMs(delay.max) : 0,
        cpuPercent: wallUs > 0 ? ((cpu.user + cpu.system) / wallUs) * 100 : 0,
        wallSeconds: wallUs / 1e6,
      };
      return reading;
    },
  };
}

/** Open loop: how late each request left against its intended time (microsecond histogram). */
export class ScheduleLag {
  private readonly histogram: RecordableHistogram = createHistogram();

  record(lagUs: number): void {
    this.histogram.record(Math.max(1, Math.round(lagUs)));
  }

  get count(): number {
    return this.histogram.count;
  }

  p99Ms(): number {
    return this.histogram.count > 0 ? this.histogram.percentile(99) / 1000 : 0;
  }

  maxMs(): number {
    return this.histogram.count > 0 ? this.histogram.max / 1000 : 0;
  }
}

export interface ScheduleReading {
  askedRate: number;
  achievedSendRate: number;
  issued: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

/** The lag p99 an open loop at `rate` may show: 10% of the inter-arrival, within [2 ms, 20 ms]. */
export function lagBudgetMs(rate: number): number {
  return Math.min(LAG_CEILING_MS, Math.max(LAG_FLOOR_MS, (LAG_SHARE_OF_INTERVAL * 1000) / rate));
}

/** Pure: the saturation verdict for a phase, or undefined when the generator kept up. */
export function judgeSaturation(watch: SelfWatchReading, schedule?: ScheduleReading): LoadRunSummary['saturation'] {
  const reasons: string[] = [];
  if (schedule !== undefined) {
    const budget = lagBudgetMs(schedule.askedRate);
    if (schedule.lagP99Ms > budget) reasons.push(`send lag p99 ${schedule.lagP99Ms.toFixed(1)} ms > ${budget.toFixed(1)} ms`);
    if (schedule.issued >= MIN_ISSUED_FOR_RATE && schedule.achievedSendRate < MIN_SEND_RATE_SHARE * schedule.askedRate) {
      reasons.push(`sent ${schedule.achievedSendRate.toFixed(0)}/s of ${schedule.askedRate}/s asked`);
    }
  }
  if (watch.eventLoopDelayP99Ms > LAG_CEILING_MS) reasons.push(`event-loop delay p99 ${watch.eventLoopDelayP99Ms.toFixed(1)} ms`);
  if (watch.cpuPercent > MAX_CPU_PERCENT) reasons.push(`generator CPU ${watch.cpuPercent.toFixed(0)}% of a core`);
  if (reasons.length === 0) return undefined;
  return {
    // Only the measured causes: each caller says where it happened and what that means for the results.
    reason: reasons.join('; '),
    maxLagMs: Math.max(schedule?.lagMaxMs ?? 0, watch.eventLoopDelayMaxMs),
    cpuPercent: watch.cpuPercent,
  };
}

const SATURATION_WARNING_PREFIX = 'generator saturated in phase ';

/** The run's warning for a counted phase whose generator saturated. */
export function saturationWarning(phase: string, reason: string): string {
  return `${SATURATION_WARNING_PREFIX}${phase}: results describe the client, not the server (${reason})`;
}

export function isSaturationWarning(warning: string): boolean {
  return warning.startsWith(SATURATION_WARNING_PREFIX);
}
