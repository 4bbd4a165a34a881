// Open loop, honest about coordinated omission (as wrk2 and HdrHistogram handle it): request i is
// due at start + i/rate whatever the server does, its latency runs from that intended time, and a
// request due while max_in_flight are outstanding is recorded as `dropped`, never silently skipped.
import { nowUs } from './clock.ts';
import type { Bounds } from './extent.ts';
import type { Sender } from './httpSender.ts';
import { ScheduleLag, type ScheduleReading } from './saturation.ts';
import type { RequestSample, RequestTemplate, SampleSink } from './types.ts';

export interface OpenLoopOptions {
  rate: number;
  maxInFlight: number;
  bounds: Bounds;
  nextRequest: () => RequestTemplate;
  sender: Sender;
  sink: SampleSink;
  signal?: AbortSignal;
}

export interface OpenLoopResult {
  sent: number;
  dropped: number;
  completed: number;
  startUs: number;
  lastEndUs: number;
  schedule: ScheduleReading;
}

export function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { rate, maxInFlight, bounds, nextRequest, sender, sink, signal } = options;
  const intervalUs = 1e6 / rate;
  // Count-bounded schedule: a late loop still issues exactly what was due, in a catch-up burst.
  const total = Math.min(bounds.maxRequests, Math.max(1, Math.floor((bounds.durationMs / 1000) * rate)));
  const lag = new ScheduleLag();
  const startUs = nowUs();
  let next = 0;
  let sent = 0;
  let dropped = 0;
  let completed = 0;
  let inFlight = 0;
  let lastIssueUs = startUs;
  let lastEndUs = startUs;
  let issuing = true;
  /** Whether this catch-up burst already yielded once to read answers (see tick). */
  let yieldedInBurst = false;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;

  return new Promise((resolve) => {
    const maybeFinish = () => {
      if (issuing || inFlight > 0) return;
      const spanUs = lastIssueUs - startUs + intervalUs;
      const issued = sent + dropped;
      resolve({
        sent,
        dropped,
        completed,
        startUs,
        lastEndUs,
        schedule: { askedRate: rate, achievedSendRate: issued > 0 ? issued / (spanUs / 1e6) : 0, issued, lagP99Ms: lag.p99Ms(), lagMaxMs: lag.maxMs() },
      });
    };

    const onDone = (sample: RequestSample) => {
      inFlight--;
      if (sample.outcome === 'ok' || sample.outcome.startsWith('status_')) completed++;
      if (sample.endUs > lastEndUs) lastEndUs = sample.endUs;
      sink.record(sample);
      maybeFinish();
    };

    const stopIssuing = () => {
      issuing = false;
      clearTimeout(timer);
      clearImmediate(immediate);
      signal?.removeEventListener('abort', stopIssuing);
      maybeFinish();
    };
    signal?.addEventListener('abort', stopIssuing);

    const tick = () => {
      timer = undefined;
      immediate = undefined;
      if (!issuing) return;
      const now = nowUs();
      // Everything whose intended time has passed goes now; each request's lag is measured from its own slot.
      while (issuing && next < total && startUs + next * intervalUs <= now) {
        if (inFlight >= maxInFlight && !yieldedInBurst) {
          // Full in the middle of a burst: answers may be waiting unread behind this very loop.
          // Let the event loop read them once before calling requests dropped.
          yieldedInBurst = true;
          immediate = setImmediate(tick);
          return;
        }
        const intendedUs = startUs + next * intervalUs;
        next++;
        lag.record(now - intendedUs);
        lastIssueUs = now;
        const template = nextRequest();
        if (!issuing) break; // stopped while picking (a sink or picker aborted the phase)
        if (inFlight >= maxInFlight) {
          dropped++;
          sink.record({ intendedUs, sentUs: now, endUs: now, outcome: 'dropped', requestClass: template.requestClass });
          continue;
        }
        inFlight++;
        sent++;
        sender.send(template, intendedUs, onDone);
      }
      if (!issuing) return maybeFinish();
      if (next >= total) return stopIssuing();
      yieldedInBurst = false;
      const waitMs = (startUs + next * intervalUs - nowUs()) / 1000;
      timer = setTimeout(tick, Math.max(0, waitMs));
    };

    if (signal?.aborted) stopIssuing();
    else tick();
  });
}
