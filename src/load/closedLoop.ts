// Closed loop: `connections` keep-alive connections, each with `pipelining` requests outstanding;
// a lane sends its next request as soon as its previous one is answered (or failed).
//
// Why undici and not autocannon underneath (autocannon 8, read in node_modules/autocannon/lib):
// - its per-response event (`response`: client, status, bytes, ms) says nothing of WHICH request
//   was answered, and the per-client context it hands setupRequest/onResponse is reset on every
//   cycle of a one-entry `requests` list, so a response cannot be tied to its request class;
// - after a connection error or close it reconnects without clearing its pipelined-request queue
//   (httpClient.js: conn 'error'/'end' -> _connect), so every later latency on that connection is
//   timed from an older request's start: wrong exactly in the flap and shutdown phases;
// - errors and timeouts are reported per connection x pipelining, not per request, so the sink
//   could not get one sample per request.
// Its timing itself (process.hrtime, µs) would have been fine. Undici gives all three per request.
import { nowUs } from './clock.ts';
import type { Bounds } from './extent.ts';
import type { Sender } from './httpSender.ts';
import type { RequestSample, RequestTemplate, SampleSink } from './types.ts';

export interface ClosedLoopOptions {
  /** Lanes: connections x pipelining requests kept outstanding. */
  lanes: number;
  bounds: Bounds;
  nextRequest: () => RequestTemplate;
  sender: Sender;
  sink: SampleSink;
  /** Checked before each send: lanes stop sending; what is in flight ends by itself (bounded by the client timeout). */
  signal?: AbortSignal;
}

export interface ClosedLoopResult {
  sent: number;
  completed: number;
  startUs: number;
  lastEndUs: number;
}

export function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const { lanes, bounds, nextRequest, sender, sink, signal } = options;
  const startUs = nowUs();
  const deadlineUs = startUs + bounds.durationMs * 1000;
  let sent = 0;
  let completed = 0;
  let lastEndUs = startUs;
  let running = lanes;

  return new Promise((resolve) => {
    const laneEnded = () => {
      if (--running > 0) return;
      resolve({ sent, completed, startUs, lastEndUs });
    };
    const launch = () => {
      const intendedUs = nowUs();
      if (signal?.aborted || sent >= bounds.maxRequests || intendedUs >= deadlineUs) return laneEnded();
      sent++;
      let synchronous = true;
      sender.send(nextRequest(), intendedUs, (sample: RequestSample) => {
        if (sample.outcome === 'ok' || sample.outcome.startsWith('status_')) completed++;
        if (sample.endUs > lastEndUs) lastEndUs = sample.endUs;
        sink.record(sample);
        // A request that failed before leaving must not recurse: the next send waits a turn of the loop.
        if (synchronous) setImmediate(launch);
        else launch();
      });
      synchronous = false;
    };
    for (let i = 0; i < lanes; i++) launch();
  });
}
