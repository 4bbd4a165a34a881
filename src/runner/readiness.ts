// Waits until a target answers ready: KServe's /v2/health/ready, or TorchServe's /ping.
import type { UrlTarget } from '../scenario/types.ts';
import { RunError } from './errors.ts';

export function readinessPath(protocol: UrlTarget['protocol']): string {
  return protocol === 'torchserve' ? '/ping' : '/v2/health/ready';
}

export async function probeReady(origin: string, protocol: UrlTarget['protocol']): Promise<boolean> {
  try {
    const res = await fetch(`${origin}${readinessPath(protocol)}`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Polls readiness (no readiness event exists across HTTP) with a short backoff until the deadline. */
export async function waitUntilReady(origin: string, protocol: UrlTarget['protocol'], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let delay = 50;
  while (performance.now() < deadline) {
    if (await probeReady(origin, protocol)) return;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 1000);
  }
  throw new RunError('SB_ERR_TARGET_NOT_READY', `${origin}${readinessPath(protocol)} did not answer 200 within ${timeoutMs} ms: is the server up and the model loaded?`);
}
