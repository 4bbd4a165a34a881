// Sends one request over undici and reports exactly one RequestSample for it. Both load loops use
// it: undici's dispatcher API gives the moment a request is written (onRequestStart) and the end of
// its answer with no response stream or promise per request, which keeps the generator cheap.
import { Pool, type Dispatcher } from 'undici';
import { nowUs } from './clock.ts';
import { outcomeOfError, outcomeOfStatus } from './outcome.ts';
import type { RequestSample, RequestTemplate } from './types.ts';

/** How the loops send: one call per request, `done` called exactly once with its sample. */
export interface Sender {
  send(template: RequestTemplate, intendedUs: number, done: (sample: RequestSample) => void): void;
  /** Releases every connection; call once nothing is in flight. */
  close(): Promise<void>;
}

export interface HttpSenderOptions {
  origin: string;
  /** Keep-alive connections opened as needed, up to this many. */
  connections: number;
  /** Requests in flight per connection (1 = no pipelining). */
  pipelining: number;
  /** Client deadline for the answer's headers, then between body chunks, and for connecting. */
  timeoutMs: number;
}

class SampleHandler implements Dispatcher.DispatchHandler {
  private sentUs: number;
  private status = 0;
  private finished = false;

  constructor(
    private readonly template: RequestTemplate,
    private readonly intendedUs: number,
    private readonly done: (sample: RequestSample) => void,
  ) {
    this.sentUs = intendedUs;
  }

  onRequestStart(): void {
    // Called when the request is handed to its socket (again on a pipelined retry): the real send time.
    this.sentUs = nowUs();
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(): void {
    // The body is read and dropped: the engine measures, it does not check answers.
  }

  onResponseEnd(): void {
    this.finish(outcomeOfStatus(this.status), this.status);
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, err: Error): void {
    this.finish(outcomeOfError(err), this.status === 0 ? undefined : this.status);
  }

  finish(outcome: RequestSample['outcome'], status: number | undefined): void {
    if (this.finished) return;
    this.finished = true;
    const sample: RequestSample = { intendedUs: this.intendedUs, sentUs: this.sentUs, endUs: nowUs(), outcome, requestClass: this.template.requestClass };
    if (status !== undefined) sample.status = status;
    this.done(sample);
  }
}

export function createHttpSender(options: HttpSenderOptions): Sender {
  const pool = new Pool(options.origin, {
    connections: options.connections,
    pipelining: options.pipelining,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: { timeout: options.timeoutMs },
  });
  return {
    send(template, intendedUs, done) {
      const body = template.body.length === 0 && template.method === 'GET' ? undefined : template.body;
      const handler = new SampleHandler(template, intendedUs, done);
      try {
        pool.dispatch({ path: template.path, method: template.method, headers: template.headers, body }, handler);
      } catch (err) {
        // A template undici refuses (a bad header) fails this request, not the run.
        handler.finish(outcomeOfError(err), undefined);
      }
    },
    async close() {
      await pool.destroy();
    },
  };
}
