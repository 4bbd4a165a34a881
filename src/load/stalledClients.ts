// Clients that stall on purpose, for the slow-clients phase: each opens a connection and sends a
// valid request's headers declaring its whole body, then withholds the body or trickles it a byte
// at a time. A server must cut them (an answer such as 408, or the connection closed) without
// letting them take the places valid requests need. Each client's fate and when it came is kept.
// Raw sockets: an HTTP client library would not stall on purpose.
import { connect, type Socket } from 'node:net';
import { nowUs } from './clock.ts';
import { requestHead, ResponseReader } from './rawRequest.ts';
import type { RequestTemplate } from './types.ts';

export type StallMode = 'withhold' | 'trickle';

export interface StalledClient {
  mode: StallMode;
  openedUs: number;
  /** When the server answered or closed the connection; undefined while it still holds it. */
  cutUs?: number;
  /** The status of the server's answer, when it sent one before closing. */
  status?: number;
  /** The connection failed at once (refused, reset before the headers went). */
  error?: string;
}

export interface StalledClientsOptions {
  origin: string;
  /** A valid request: its headers are sent, its body is not (or a byte at a time). */
  request: () => RequestTemplate;
  count: number;
  /** withhold, trickle, or mixed (every other client each). */
  stall: StallMode | 'mixed';
  /** A trickling client sends one byte this often. */
  trickleEveryMs?: number;
}

export class StalledClients {
  readonly clients: StalledClient[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private pending = 0;
  private closing = false;
  private onAllCut?: () => void;

  constructor(private readonly o: StalledClientsOptions) {}

  /** Opens every client at once. */
  open(): void {
    const url = new URL(this.o.origin);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || 80);
    for (let i = 0; i < this.o.count; i++) {
      const mode: StallMode = this.o.stall === 'mixed' ? (i % 2 === 0 ? 'withhold' : 'trickle') : this.o.stall;
      this.openOne(mode, host, port, url.host);
    }
  }

  private openOne(mode: StallMode, host: string, port: number, hostHeader: string): void {
    const template = this.o.request();
    const client: StalledClient = { mode, openedUs: nowUs() };
    this.clients.push(client);
    this.pending++;
    const socket = connect(port, host);
    this.sockets.add(socket);
    const reader = new ResponseReader();
    let connected = false;
    let bodySent = 0;
    let timer: NodeJS.Timeout | undefined;
    const cut = (error?: string) => {
      if (this.closing || client.cutUs !== undefined || client.error !== undefined) return;
      if (error !== undefined && !connected) client.error = error;
      else client.cutUs = nowUs();
      if (reader.status !== undefined) client.status = reader.status;
      if (timer) {
        clearInterval(timer);
        this.timers.delete(timer);
      }
      if (--this.pending === 0) this.onAllCut?.();
    };
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (reader.push(chunk)) cut();
    });
    socket.on('end', () => cut());
    socket.on('close', () => cut());
    socket.on('error', (err) => cut(err.message));
    socket.once('connect', () => {
      connected = true;
      socket.write(requestHead(template, hostHeader));
      if (mode !== 'trickle') return;
      // All but the last byte, one at a time: the body never completes.
      timer = setInterval(() => {
        if (bodySent < template.body.length - 1) socket.write(template.body.subarray(bodySent, ++bodySent));
      }, this.o.trickleEveryMs ?? 1000);
      this.timers.add(timer);
    });
  }

  /** Resolves when the server has cut every client, at `deadlineUs` (nowUs's clock), or on abort, whichever comes first. */
  settled(deadlineUs: number, signal?: AbortSignal): Promise<void> {
    if (this.pending === 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.onAllCut = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, (deadlineUs - nowUs()) / 1000));
      signal?.addEventListener('abort', done, { once: true });
      this.onAllCut = done;
    });
  }

  /** Hangs up on every client the server still holds. */
  close(): void {
    this.closing = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    this.onAllCut = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
