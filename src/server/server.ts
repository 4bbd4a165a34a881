// Starts the embedded reference server and owns its lifecycle: load models, listen, and on
// SIGTERM/SIGINT drain (readiness false at once, new requests 503, accepted ones completed).
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import type { ResolvedConfig, ServerConfig } from './config/resolve.ts';
import { serverConfigOf } from './config/resolve.ts';
import { FaultInjector } from './faults.ts';
import { buildApp } from './http/app.ts';
import { InflightTracker } from './http/inflight.ts';
import type { HttpContext } from './http/context.ts';
import { createServerMetrics } from './metrics.ts';
import { ModelRegistry } from './models.ts';
import { InferenceStatistics } from './statistics.ts';

export interface RunningServer {
  url: string;
  port: number;
  config: ServerConfig;
  registry: ModelRegistry;
  /** Drains (completes accepted requests, up to the drain deadline) and closes. Resolves true when no accepted request was abandoned. */
  shutdown(reason: string): Promise<boolean>;
}

export interface StartOptions {
  /** Where the pino logs go; stderr by default. */
  logDestination?: pino.DestinationStream;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function startServer(resolved: ResolvedConfig, options: StartOptions = {}): Promise<RunningServer> {
  const config = serverConfigOf(resolved);
  const logger: Logger = pino({ level: config.logLevel, base: { service: 'servebench' } }, options.logDestination ?? pino.destination({ dest: 2, sync: false }));
  let started = false;
  let draining = false;
  // Ready: started, not draining, and every loaded model able to take work.
  const ready = (): boolean => started && !draining && registry.list().every((m) => m.scheduler.ready());
  const faults = new FaultInjector(config.faults);
  const inflight = new InflightTracker();
  const statistics = new InferenceStatistics();
  const registry: ModelRegistry = new ModelRegistry({
    root: config.models,
    resolved,
    logger,
    faults,
    observerFor: (model, version) => ({
      onBatch: ({ size, computeUs, inferences }) => {
        metrics.batchSize.observe({ model }, size);
        statistics.batchDone(model, version, { size: inferences, computeUs });
      },
      onWorkerExit: ({ workerId, code, reason }) => {
        metrics.workerRestarts.inc({ model });
        logger.warn({ model, workerId, code, reason }, 'worker exited; replacing it');
      },
    }),
  });
  const metrics = createServerMetrics({
    models: () =>
      registry.list().map((m) => ({ model: m.name, version: m.version, queueDepth: m.scheduler.queueDepth(), liveWorkers: m.scheduler.liveWorkers() })),
    ready,
    inflight: () => inflight.count,
    leakedBytes: () => faults.leakedBytes,
  });
  if (faults.active) logger.warn({ faults: config.faults }, 'fault injection is ON');

  const ctx: HttpContext = {
    config,
    registry,
    metrics,
    statistics,
    faults,
    lifecycle: { ready, draining: () => draining },
    inflight,
    serverVersion: packageVersion(),
  };
  const app = buildApp(ctx, logger);

  try {
    await registry.loadAll(config.loadModels);
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    // A start that fails leaves nothing behind (workers, a listening socket), so the process can exit.
    await registry.drainAndStop();
    await app.close();
    logger.flush();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  started = true;

  let shuttingDown: Promise<boolean> | undefined;
  const shutdown = (reason: string): Promise<boolean> => {
    shuttingDown ??= (async () => {
      draining = true;
      logger.info({ reason, drainTimeoutMs: config.drainTimeoutMs }, 'draining: readiness is false, new requests get 503');
      const outcome = await inflight.whenIdle(config.drainTimeoutMs);
      // Clean unless accepted work was abandoned: a body that never came was never accepted.
      const drained = outcome.abandoned === 0;
      if (!outcome.idle) {
        logger[drained ? 'warn' : 'error'](outcome, 'drain deadline passed: accepted requests unanswered (abandoned) and bodies still arriving (receiving) are cut');
      }
      await registry.drainAndStop();
      const closed = app.close();
      // Past the deadline what is left (a stalled body, a client that never reads) is cut: the
      // close would otherwise wait for it.
      if (!outcome.idle) app.server.closeAllConnections();
      await closed;
      logger.info({ drained }, 'server stopped');
      logger.flush();
      return drained;
    })();
    return shuttingDown;
  };

  return { url: `http://${host}:${address.port}`, port: address.port, config, registry, shutdown };
}
