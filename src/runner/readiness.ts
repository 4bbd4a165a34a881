// Waits until a target answers ready: KServe's /v2/health/ready, TorchServe's /ping, or the path
// a command target names (a launched server's model readiness).
import type { UrlTarget } from '../contract/scenario.ts';
import { ServebenchError } from '../contract/errors.ts';

export function readinessPath(protocol: UrlTarget['protocol']): string {
  return protocol === 'torchserve' ? '/ping' : '/v2/health/ready';
}

async function answers200(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

export function probeReady(origin: string, protocol: UrlTarget['protocol']): Promise<boolean> {
  return answers200(`${origin}${readinessPath(protocol)}`);
}

export interface WaitOptions {
  /** Default: the protocol's own health path. */
  path?: string;
  /** Resolves with a reason when waiting is pointless (the launched server exited). */
  giveUp?: Promise<string>;
}

/** Polls readiness (no readiness event exists across HTTP) with a short backoff until the deadline. */
export async function waitUntilReady(origin: string, protocol: UrlTarget['protocol'], timeoutMs: number, options: WaitOptions = {}): Promise<void> {
  const url = `${origin}${options.path ?? readinessPath(protocol)}`;
  const deadline = performance.now() + timeoutMs;
  let gaveUp: string | undefined;
  const givingUp = options.giveUp?.then((reason) => (gaveUp = reason)) ?? new Promise<never>(() => {});
  let delay = 50;
  while (performance.now() < deadline && gaveUp === undefined) {
    if (await answers200(url)) return;
    await Promise.race([new Promise((resolve) => setTimeout(resolve, delay)), givingUp]);
    delay = Math.min(delay * 2, 1000);
  }
  if (gaveUp !== undefined) throw new ServebenchError('SB_ERR_TARGET_START', gaveUp);
  throw new ServebenchError('SB_ERR_TARGET_NOT_READY', `${url} did not answer 200 within ${timeoutMs} ms: is the server up and the model loaded?`);
}
