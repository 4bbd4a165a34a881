// Requests over raw sockets, for what an HTTP client library will not send: a body cut short or
// trickled (aborts phase), a Content-Length that lies about the body (malformed corpus). Each
// request has its own deadline, and every socket and timer is released by cancelAll().
import { connect, type Socket } from 'node:net';
import { nowUs } from './clock.ts';
import type { Sender } from './httpSender.ts';
import { outcomeOfError, outcomeOfStatus } from './outcome.ts';
import type { RequestSample, RequestTemplate } from './types.ts';

type Done = (sample: RequestSample) => void;
export type Finish = (outcome: RequestSample['outcome'], status?: number) => void;

/**
 * `METHOD path HTTP/1.1` plus headers, declaring the body's length (or the template's
 * `contentLength`, when it lies); the connection closes after the answer.
 */
export function requestHead(template: RequestTemplate, host: string): Buffer {
  const lines = [`${template.method} ${template.path} HTTP/1.1`, `host: ${host}`, `content-length: ${template.contentLength ?? template.body.length}`, 'connection: close'];
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

/** Ends the request with the server's first whole answer, or `reset` when it closes the connection without one. */
export function finishOnAnswer(socket: Socket, finish: Finish): void {
  const reader = new ResponseReader();
  socket.on('data', (chunk: Buffer) => {
    if (reader.push(chunk)) finish(outcomeOfStatus(reader.status ?? 0), reader.status);
  });
  socket.on('end', () => (reader.status === undefined ? finish('reset') : finish(outcomeOfStatus(reader.status), reader.status)));
}

export class RawRequests {
  readonly hostHeader: string;
  private readonly host: string;
  private readonly port: number;
  private readonly active = new Set<() => void>();

  constructor(origin: string, private readonly timeoutMs: number) {
    const url = new URL(origin);
    this.hostHeader = url.host;
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port || 80);
  }

  /** One raw request: a socket, a deadline, and a finish that runs once and releases both. */
  start(template: RequestTemplate, intendedUs: number, done: Done, onConnect: (socket: Socket, finish: Finish) => void): void {
    let sentUs = intendedUs;
    let finished = false;
    const socket = connect(this.port, this.host);
    const finish: Finish = (outcome, status) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      this.active.delete(cancel);
      socket.destroy();
      const sample: RequestSample = { intendedUs, sentUs, endUs: nowUs(), outcome, requestClass: template.requestClass };
      if (status !== undefined) sample.status = status;
      done(sample);
    };
    const cancel = () => finish('aborted');
    const deadline = setTimeout(() => finish('timeout'), this.timeoutMs);
    this.active.add(cancel);
    socket.setNoDelay(true);
    socket.on('error', (err) => finish(outcomeOfError(err)));
    socket.once('connect', () => {
      sentUs = nowUs();
      onConnect(socket, finish);
    });
  }

  /** Sends the head and body exactly as the template has them, keeps the connection open, and takes the first answer. */
  exchange(template: RequestTemplate, intendedUs: number, done: Done): void {
    this.start(template, intendedUs, done, (socket, finish) => {
      finishOnAnswer(socket, finish);
      socket.write(Buffer.concat([requestHead(template, this.hostHeader), template.body]));
    });
  }

  /** Ends every request still open as `aborted`. */
  cancelAll(): void {
    for (const cancel of [...this.active]) cancel();
  }
}

/** Sends templates whose `contentLength` lies over raw sockets (no HTTP client would send them), the rest through `base`. */
export function withRawRequests(base: Sender, options: { origin: string; timeoutMs: number }): Sender {
  const raw = new RawRequests(options.origin, options.timeoutMs);
  return {
    send(template, intendedUs, done) {
      if (template.contentLength === undefined) base.send(template, intendedUs, done);
      else raw.exchange(template, intendedUs, done);
    },
    async close() {
      raw.cancelAll();
      await base.close();
    },
  };
}
