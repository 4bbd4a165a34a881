// The contract between the runner, the load engine and the recorders.
import type { LoadSpec, PhaseExtent } from '../contract/scenario.ts';

/** One request to send: already encoded, reused across sends. */
export interface RequestTemplate {
  method: 'POST' | 'GET';
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** `valid`, or the malformed class it belongs to (invalid_json, negative_dim...). */
  requestClass: string;
  /** For malformed requests: the status the server must answer. */
  expectStatus?: number;
  /**
   * A Content-Length that lies about `body` (larger or smaller): no HTTP client sends one, so the
   * request goes over a raw socket (rawRequest.ts) and the connection closes after the answer.
   */
  contentLength?: number;
}

/**
 * How a request ended, from the client's side:
 * `ok` (2xx), `status_<code>` (any other HTTP status), `timeout` (client deadline), `reset`
 * (connection reset / socket hang up), `refused` (ECONNREFUSED), `dropped` (open loop: the
 * client's max_in_flight was full at the intended send time, never sent), `aborted` (the client
 * hung up on purpose), `error` (anything else).
 */
export type Outcome = 'ok' | `status_${number}` | 'timeout' | 'reset' | 'refused' | 'dropped' | 'aborted' | 'error';

export interface RequestSample {
  /** Microseconds on the run's monotonic clock (performance.now()*1000). */
  intendedUs: number;
  sentUs: number;
  endUs: number;
  outcome: Outcome;
  requestClass: string;
  status?: number;
}

/** Where the load engine reports every finished request (recorders implement it). */
export interface SampleSink {
  record(sample: RequestSample): void;
}

export interface LoadRunOptions {
  /** `http://127.0.0.1:PORT` (or the flap proxy's address). */
  origin: string;
  load: LoadSpec;
  extent: PhaseExtent;
  /** Picks the next request; called once per send. */
  nextRequest: () => RequestTemplate;
  timeoutMs: number;
  sink: SampleSink;
  /** Stops the phase early (Ctrl-C, fault phase over). */
  signal?: AbortSignal;
  /** Client misbehaviour for the aborts phase. */
  misbehaviour?: { abortShare: number; slowShare: number; slowBytesPerSecond: number; seed: number };
}

export interface LoadRunSummary {
  sent: number;
  completed: number;
  /** Seconds from the first intended send to the last completion. */
  elapsedSeconds: number;
  /** Open loop: the rate actually achieved in sending versus asked. */
  achievedSendRate?: number;
  /**
   * Set when the generator could not keep its schedule (event-loop lag or own CPU): results then describe the client.
   * `reason` holds only the measured causes ("send lag p99 3.6 ms > 2.0 ms; ..."); callers say where and what it means.
   */
  saturation?: { reason: string; maxLagMs: number; cpuPercent: number };
}
