// Misbehaving clients for the aborts phase, over raw sockets (an HTTP client library would not
// misbehave on purpose): some hang up mid-body, some trickle their body, the rest are normal.
import type { Sender } from './httpSender.ts';
import { seededRandom } from './random.ts';
import { finishOnAnswer, RawRequests, requestHead } from './rawRequest.ts';
import type { LoadRunOptions, RequestSample, RequestTemplate } from './types.ts';

/** How long an aborting client holds its half-sent request before hanging up (lets the server start reading it). */
export const ABORT_HOLD_MS = 20;
/** A slow client writes a slice of its body this often. */
export const TRICKLE_TICK_MS = 100;

export interface MisbehaviourOptions extends NonNullable<LoadRunOptions['misbehaviour']> {
  origin: string;
  timeoutMs: number;
}

type Done = (sample: RequestSample) => void;

export function withMisbehaviour(base: Sender, options: MisbehaviourOptions): Sender {
  const raw = new RawRequests(options.origin, options.timeoutMs);
  const random = seededRandom(options.seed);

  function abortMidBody(template: RequestTemplate, intendedUs: number, done: Done): void {
    raw.start(template, intendedUs, done, (socket, finish) => {
      const part = template.body.subarray(0, Math.floor(template.body.length / 2));
      socket.write(Buffer.concat([requestHead(template, raw.hostHeader), part]), () => {
        setTimeout(() => finish('aborted'), ABORT_HOLD_MS);
      });
    });
  }

  function trickle(template: RequestTemplate, intendedUs: number, done: Done): void {
    raw.start(template, intendedUs, done, (socket, finish) => {
      const slice = Math.max(1, Math.round((options.slowBytesPerSecond * TRICKLE_TICK_MS) / 1000));
      let offset = 0;
      let ticker: NodeJS.Timeout | undefined;
      const stop = () => clearInterval(ticker);
      socket.on('close', stop);
      // The server may answer early (413, 408): the answer ends the request whatever is left to send.
      finishOnAnswer(socket, finish);
      socket.write(requestHead(template, raw.hostHeader));
      ticker = setInterval(() => {
        if (offset >= template.body.length) return stop();
        socket.write(template.body.subarray(offset, offset + slice));
        offset += slice;
      }, TRICKLE_TICK_MS);
    });
  }

  return {
    send(template, intendedUs, done) {
      const u = random();
      if (u < options.abortShare) abortMidBody(template, intendedUs, done);
      else if (u < options.abortShare + options.slowShare) trickle(template, intendedUs, done);
      else base.send(template, intendedUs, done);
    },
    async close() {
      raw.cancelAll();
      await base.close();
    },
  };
}
