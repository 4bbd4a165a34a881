// Starts (embedded, command) or reaches (url) the server under test and hides the difference from the runner.
import type { RunTarget } from '../contract/results.ts';
import type { Scenario } from '../contract/scenario.ts';
import { startCommandServer, type StartSettings } from './commandServer.ts';
import { startEmbeddedServer } from './embeddedServer.ts';
import { waitUntilReady } from './readiness.ts';
import type { ServerExit, ServerProcess } from './serverProcess.ts';

export interface RunningTarget {
  kind: 'embedded' | 'url' | 'command';
  origin: string;
  protocol: 'kserve-v2' | 'torchserve';
  /** The server's Prometheus endpoint (`<origin>/metrics` unless the target names another). */
  metricsUrl: string;
  /** A local PID to sample (with its descendants), when known. */
  pid?: number;
  /** Embedded and command: the child process, for signals and its exit. */
  server?: ServerProcess;
  /** Command: from launch to ready, ms. */
  startupMs?: number;
  /** TorchServe's management API, when the target names one. */
  managementUrl?: string;
  /** Stops what the runner started (nothing for url targets). */
  stop(): Promise<ServerExit | undefined>;
}

/** Command targets take this start's knob values and config files (a tuning trial's). */
export async function startTarget(scenario: Scenario, options: StartSettings = {}): Promise<RunningTarget> {
  const target = scenario.target;
  if (target.kind === 'url') {
    const origin = target.url.replace(/\/+$/, '');
    await waitUntilReady(origin, target.protocol, target.ready_timeout_ms);
    return { kind: 'url', origin, protocol: target.protocol, metricsUrl: target.metrics_url ?? `${origin}/metrics`, ...(target.management_url ? { managementUrl: target.management_url } : {}), pid: target.pid, stop: async () => undefined };
  }
  if (target.kind === 'command') {
    const server = await startCommandServer(target, scenario.model, options);
    return { kind: 'command', origin: server.origin, protocol: target.protocol, metricsUrl: server.metricsUrl ?? `${server.origin}/metrics`, ...(server.managementUrl ? { managementUrl: server.managementUrl } : {}), pid: server.pid, server, startupMs: server.startupMs, stop: () => server.stop() };
  }
  // Only the scenario's model is loaded: the others would take memory and start-up time for nothing.
  const server = await startEmbeddedServer(target, ['--load-models', scenario.model.name]);
  try {
    await waitUntilReady(server.origin, 'kserve-v2', target.ready_timeout_ms);
  } catch (err) {
    await server.stop(1000);
    throw err;
  }
  return { kind: 'embedded', origin: server.origin, protocol: 'kserve-v2', metricsUrl: `${server.origin}/metrics`, pid: server.pid, server, stop: () => server.stop() };
}

/** The model's effective serving config as the server reports it (`GET /v2/models/{m}/config`), when it does. */
export async function effectiveServerConfig(target: RunningTarget, scenario: Scenario): Promise<Record<string, unknown> | undefined> {
  return target.protocol === 'kserve-v2' ? fetchModelConfig(target.origin, scenario.model.name) : undefined;
}

/** `GET /v2/models/{m}/config` as an object; undefined when the server has none or answers otherwise. */
export async function fetchModelConfig(origin: string, model: string, timeoutMs = 5000): Promise<Record<string, unknown> | undefined> {
  try {
    const res = await fetch(`${origin}/v2/models/${encodeURIComponent(model)}/config`, { signal: AbortSignal.timeout(timeoutMs) });
    const value: unknown = res.status === 200 ? await res.json() : undefined;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The results' `target` section: what was measured, even when the target never came up. */
export function describeTarget(scenario: Scenario, started: readonly RunningTarget[]): RunTarget {
  const spec = scenario.target;
  const last = started.at(-1);
  const startups = started.flatMap((t) => (t.startupMs !== undefined ? [t.startupMs] : []));
  return {
    kind: spec.kind,
    url: last?.origin ?? (spec.kind === 'url' ? spec.url : ''),
    protocol: last?.protocol ?? (spec.kind === 'embedded' ? 'kserve-v2' : spec.protocol),
    model: scenario.model.name,
    ...(scenario.model.version ? { version: scenario.model.version } : {}),
    ...(startups.length > 0 ? { startup_ms: startups } : {}),
  };
}
