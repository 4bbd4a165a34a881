// A tiny node:http server the load tests control (delays, stalls, hangs) on 127.0.0.1:0,
// counting what it sees: requests, concurrency, sockets.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface TinyServer {
  url: string;
  port: number;
  stats: { requests: number; inFlight: number; maxInFlight: number; sockets: number; socketsClosed: number };
  /** Emits `socket-close` when a client connection closes. */
  events: EventEmitter;
  close(): Promise<void>;
}

/** Milliseconds to hold the answer of a request (0 = answer at once), or 'hang' to never answer. */
export type Delay = (req: IncomingMessage, arrivalMs: number) => number | 'hang';

export async function startTinyServer(delay: Delay = () => 0): Promise<TinyServer> {
  const stats = { requests: 0, inFlight: 0, maxInFlight: 0, sockets: 0, socketsClosed: 0 };
  const events = new EventEmitter();
  const timers = new Set<NodeJS.Timeout>();
  const answer = (res: ServerResponse) => {
    stats.inFlight--;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  };
  const server = createServer((req, res) => {
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    const arrivalMs = performance.now();
    req.resume();
    req.on('end', () => {
      const ms = delay(req, arrivalMs);
      if (ms === 'hang') return;
      if (ms <= 0) return answer(res);
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer(res);
      }, ms);
      timers.add(timer);
    });
  });
  server.on('connection', (socket) => {
    stats.sockets++;
    socket.on('close', () => {
      stats.socketsClosed++;
      events.emit('socket-close');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    events,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A sink that keeps every sample. */
export function collectingSink() {
  const samples: import('../../src/load/types.ts').RequestSample[] = [];
  return { samples, record: (s: (typeof samples)[number]) => void samples.push(s) };
}

export const GET_OK = { method: 'GET' as const, path: '/', headers: {}, body: Buffer.alloc(0), requestClass: 'valid' };

export function fraction<T>(items: T[], predicate: (item: T) => boolean): number {
  return items.length === 0 ? 0 : items.filter(predicate).length / items.length;
}
