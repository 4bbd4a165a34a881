// Misbehaving clients for the aborts phase, over raw sockets (an HTTP client library would not
// misbehave on purpose): some hang up mid-body, some trickle their body, the rest are normal.
// Each raw request has its own deadline and every socket and timer is released by close().
import { connect, type Socket } from 'node:net';
import { nowUs } from './clock.ts';
import type { Sender } from './httpSender.ts';
import { outcomeOfError, outcomeOfStatus } from './outcome.ts';
import { seededRandom } from './random.ts';
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

/** `METHOD path HTTP/1.1` plus headers, declaring the full body length; the connection closes after the answer. */
export function requestHead(template: RequestTemplate, host: string): Buffer {
  const lines = [`${template.method} ${template.path} HTTP/1.1`, `host: ${host}`, `content-length: ${template.body.length}`, 'connection: close'];
  for (const [name, value] of Object.entries(template.headers)) {
    const lower = name.toLowerCase();
    if (lower !== 'host' && lower !== 'content-length' && lower !== 'connection') lines.push(`${name}: ${value}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** Feeds response bytes; returns the status once a whole response has arrived (Content-Length or chunked end). */
export class ResponseReader {
  private buffer = Buffer.alloc(0);
  status: number | undefined;

  push(chunk: Buffer): boolean {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const headEnd = this.buffer.indexOf('\r\n\r\n');
    if (headEnd < 0) return false;
    const head = this.buffer.subarray(0, headEnd).toString('latin1');
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
    if (match) this.status = Number(match[1]);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const bodyBytes = this.buffer.length - headEnd - 4;
    if (length) return bodyBytes >= Number(length[1]);
    if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return this.buffer.subarray(-5).toString('latin1') === '0\r\n\r\n';
    return false;
  }
}

export function withMisbehaviour(base: Sender, options: MisbehaviourOptions): Sender {
  const url = new URL(options.origin);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 80);
  const random = seededRandom(options.seed);
  const active = new Set<() => void>();

  /** One raw request: a socket, a deadline, and a finish that runs once and releases both. */
  function raw(template: RequestTemplate, intendedUs: number, done: Done, onConnect: (socket: Socket, finish: (outcome: RequestSample['outcome'], status?: number) => void) => void): void {
    let sentUs = intendedUs;
    let finished = false;
    const socket = connect(port, hostname);
    const finish = (outcome: RequestSample['outcome'], status?: number) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      active.delete(cancel);
      socket.destroy();
      const sample: RequestSample = { intendedUs, sentUs, endUs: nowUs(), outcome, requestClass: template.requestClass };
      if (status !== undefined) sample.status = status;
      done(sample);
    };
    const cancel = () => finish('aborted');
    const deadline = setTimeout(() => finish('timeout'), options.timeoutMs);
    active.add(cancel);
    socket.setNoDelay(true);
    socket.on('error', (err) => finish(outcomeOfError(err)));
    socket.once('connect', () => {
      sentUs = nowUs();
      onConnect(socket, finish);
    });
  }

  function abortMidBody(template: RequestTemplate, intendedUs: number, done: Done): void {
    raw(template, intendedUs, done, (socket, finish) => {
      const part = template.body.subarray(0, Math.floor(template.body.length / 2));
      socket.write(Buffer.concat([requestHead(template, url.host), part]), () => {
        setTimeout(() => finish('aborted'), ABORT_HOLD_MS);
      });
    });
  }

  function trickle(template: RequestTemplate, intendedUs: number, done: Done): void {
    raw(template, intendedUs, done, (socket, finish) => {
      const reader = new ResponseReader();
      const slice = Math.max(1, Math.round((options.slowBytesPerSecond * TRICKLE_TICK_MS) / 1000));
      let offset = 0;
      let ticker: NodeJS.Timeout | undefined;
      const stop = () => clearInterval(ticker);
      socket.on('close', stop);
      // The server may answer early (413, 408): the answer ends the request whatever is left to send.
      socket.on('data', (chunk: Buffer) => {
        if (reader.push(chunk)) finish(outcomeOfStatus(reader.status ?? 0), reader.status);
      });
      socket.on('end', () => (reader.status === undefined ? finish('reset') : finish(outcomeOfStatus(reader.status), reader.status)));
      socket.write(requestHead(template, url.host));
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
      for (const cancel of [...active]) cancel();
      await base.close();
    },
  };
}
