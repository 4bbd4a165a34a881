// Starts (embedded) or reaches (url) the server under test and hides the difference from the runner.
import type { Scenario } from '../scenario/types.ts';
import { startEmbeddedServer, type EmbeddedServer, type ServerExit } from './embeddedServer.ts';
import { waitUntilReady } from './readiness.ts';

export interface RunningTarget {
  kind: 'embedded' | 'url';
  origin: string;
  protocol: 'kserve-v2' | 'torchserve';
  /** A local PID to sample, when known. */
  pid?: number;
  /** Embedded only: the child process, for signals and its exit. */
  server?: EmbeddedServer;
  /** Stops what the runner started (nothing for url targets). */
  stop(): Promise<ServerExit | undefined>;
}

export async function startTarget(scenario: Scenario): Promise<RunningTarget> {
  const target = scenario.target;
  if (target.kind === 'url') {
    const origin = target.url.replace(/\/+$/, '');
    await waitUntilReady(origin, target.protocol, target.ready_timeout_ms);
    return { kind: 'url', origin, protocol: target.protocol, pid: target.pid, stop: async () => undefined };
  }
  // Only the scenario's model is loaded: the others would take memory and start-up time for nothing.
  const server = await startEmbeddedServer(target, ['--load-models', scenario.model.name]);
  try {
    await waitUntilReady(server.origin, 'kserve-v2', target.ready_timeout_ms);
  } catch (err) {
    await server.stop(1000);
    throw err;
  }
  return { kind: 'embedded', origin: server.origin, protocol: 'kserve-v2', pid: server.pid, server, stop: () => server.stop() };
}

/** The model's effective serving config as the server reports it (`GET /v2/models/{m}/config`), when it does. */
export async function effectiveServerConfig(target: RunningTarget, scenario: Scenario): Promise<Record<string, unknown> | undefined> {
  if (target.protocol !== 'kserve-v2') return undefined;
  try {
    const res = await fetch(`${target.origin}/v2/models/${encodeURIComponent(scenario.model.name)}/config`, { signal: AbortSignal.timeout(5000) });
    return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
