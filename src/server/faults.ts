// Fault injection for testing harnesses and detectors: added latency, periodic stalls, an error
// rate, a memory leak and worker crashes. All off by default; a seeded PRNG keeps runs repeatable.
import type { FaultSettings } from './config/resolve.ts';
import { serveError } from './errors.ts';

/** mulberry32: tiny, fast, good enough for fault coin flips. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Milliseconds until the current stall ends, or 0 outside a stall. Stalls occupy [k*period, k*period + length). */
export function stallRemainingMs(sinceStartMs: number, stallMs: number, everySeconds: number): number {
  if (stallMs <= 0 || everySeconds <= 0) return 0;
  const periodMs = everySeconds * 1000;
  const intoPeriod = sinceStartMs % periodMs;
  return intoPeriod < stallMs ? stallMs - intoPeriod : 0;
}

export class FaultInjector {
  private readonly random: () => number;
  private readonly startedAt = performance.now();
  /** Deliberately retained: the leak fault. */
  private readonly leaked: Buffer[] = [];
  leakedBytes = 0;

  constructor(readonly settings: FaultSettings) {
    this.random = seededRandom(settings.seed);
  }

  get active(): boolean {
    const s = this.settings;
    return s.latencyMs > 0 || s.latencyJitterMs > 0 || (s.stallMs > 0 && s.stallEverySeconds > 0) || s.errorRate > 0 || s.leakBytesPerRequest > 0 || s.workerCrashRate > 0;
  }

  /** Runs before an inference is handed to the scheduler: waits out a stall, adds latency, leaks, may fail. */
  async beforeInference(): Promise<void> {
    const s = this.settings;
    const stall = stallRemainingMs(performance.now() - this.startedAt, s.stallMs, s.stallEverySeconds);
    const delay = stall + s.latencyMs + (s.latencyJitterMs > 0 ? this.random() * s.latencyJitterMs : 0);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (s.leakBytesPerRequest > 0) {
      // Filled so the pages are really committed and RSS grows, like a real leak.
      this.leaked.push(Buffer.alloc(s.leakBytesPerRequest, 1));
      this.leakedBytes += s.leakBytesPerRequest;
    }
    if (s.errorRate > 0 && this.random() < s.errorRate) {
      throw serveError('SB_ERR_INJECTED', 'injected fault: fault_error_rate answered this request with an error');
    }
  }

  shouldCrashWorker(): boolean {
    return this.settings.workerCrashRate > 0 && this.random() < this.settings.workerCrashRate;
  }
}
