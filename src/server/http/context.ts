// What the HTTP plugins share: the loaded models, metrics, faults and the lifecycle state.
import type { ServerConfig } from '../config/resolve.ts';
import type { FaultInjector } from '../faults.ts';
import type { ServerMetrics } from '../metrics.ts';
import type { ModelRegistry } from '../models.ts';
import type { InferenceStatistics } from '../statistics.ts';
import type { InflightTracker } from './inflight.ts';

export interface Lifecycle {
  /** True once models are loaded and until a shutdown signal. */
  ready(): boolean;
  draining(): boolean;
}

export interface HttpContext {
  config: ServerConfig;
  registry: ModelRegistry;
  metrics: ServerMetrics;
  /** Triton-style per-model statistics (GET /v2/models/.../stats). */
  statistics: InferenceStatistics;
  faults: FaultInjector;
  lifecycle: Lifecycle;
  inflight: InflightTracker;
  serverVersion: string;
}

export type Protocol = 'kserve-v2' | 'torchserve';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on inference routes: the protocol label of servebench_requests_total. */
    protocol?: Protocol;
    /** Set on health and metrics routes: still answered while draining. */
    answersWhileDraining?: boolean;
  }
  interface FastifyRequest {
    /** The model an inference route resolved, for metric labels. */
    servedModel?: { name: string; version: string };
  }
}
