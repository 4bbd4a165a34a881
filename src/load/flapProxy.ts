// A network flap between the generator and the target: a TCP proxy on 127.0.0.1 (port 0) that
// every `everyS` seconds cuts every connection (both sides) and, for `downMs`, accepts new ones only
// to destroy them; then it forwards again. The runner records its `cut`/`restored` events as fault markers.
import { EventEmitter } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { nowUs } from './clock.ts';
import { ServebenchError } from '../contract/errors.ts';

export interface FlapProxyOptions {
  /** Where to forward, e.g. `http://127.0.0.1:8000`. */
  target: string;
  everyS: number;
  downMs: number;
}

export interface FlapEvent {
  /** The run's monotonic clock, µs (RequestSample's clock). */
  atUs: number;
  /** Wall clock, ms since the epoch. */
  wallMs: number;
  /** `cut`: client connections destroyed. */
  connections: number;
}

export interface FlapProxyEvents {
  cut: [FlapEvent];
  restored: [FlapEvent];
}

export class FlapProxy extends EventEmitter<FlapProxyEvents> {
  private readonly server: Server;
  /** Client socket -> its upstream socket. */
  private readonly pairs = new Map<Socket, Socket>();
  private readonly targetHost: string;
  private readonly targetPort: number;
  private down = false;
  private cycle: NodeJS.Timeout | undefined;
  private restore: NodeJS.Timeout | undefined;
  private origin: string | undefined;

  constructor(private readonly options: FlapProxyOptions) {
    super();
    if (!(options.everyS > 0) || !(options.downMs > 0) || options.downMs >= options.everyS * 1000) {
      throw new ServebenchError('SB_ERR_FLAP_PROXY', `flap: need every_s > 0 and 0 < down_ms < every_s x 1000, got every_s ${options.everyS}, down_ms ${options.downMs}`);
    }
    const url = new URL(options.target);
    this.targetHost = url.hostname.replace(/^\[|\]$/g, '');
    this.targetPort = Number(url.port || 80);
    this.server = createServer((client) => this.accept(client));
  }

  /** The proxy's own origin (`http://127.0.0.1:PORT`), set once started. */
  get url(): string {
    if (this.origin === undefined) throw new ServebenchError('SB_ERR_FLAP_PROXY', 'flap proxy: url read before start()');
    return this.origin;
  }

  get isDown(): boolean {
    return this.down;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new ServebenchError('SB_ERR_FLAP_PROXY', 'flap proxy: no TCP address after listen');
    this.origin = `http://127.0.0.1:${address.port}`;
    this.cycle = setInterval(() => this.cut(), this.options.everyS * 1000);
    return this.origin;
  }

  /** Stops flapping, destroys every connection and closes the listener. */
  async stop(): Promise<void> {
    clearInterval(this.cycle);
    clearTimeout(this.restore);
    this.destroyAll();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    client.on('error', () => {});
    if (this.down) {
      // Accept-and-destroy rather than closing the listener: the port stays ours through the flap.
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    upstream.on('error', () => {});
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    this.pairs.set(client, upstream);
    const close = () => {
      this.pairs.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close);
    upstream.on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Resets both sides of every forwarded connection; returns how many there were. */
  private destroyAll(): number {
    const count = this.pairs.size;
    for (const [client, upstream] of this.pairs) {
      if (!client.destroyed) client.resetAndDestroy();
      if (!upstream.destroyed) upstream.resetAndDestroy();
    }
    this.pairs.clear();
    return count;
  }

  private cut(): void {
    this.down = true;
    const connections = this.destroyAll();
    this.emit('cut', { atUs: nowUs(), wallMs: Date.now(), connections });
    this.restore = setTimeout(() => {
      this.down = false;
      this.emit('restored', { atUs: nowUs(), wallMs: Date.now(), connections: 0 });
    }, this.options.downMs);
  }
}
