// A client that hangs up after its request body was read must not hold a drain until its deadline.
import { afterEach, describe, expect, it } from 'vitest';
import { metricValue, scrape } from '../../helpers/metrics.ts';
import { spawnServer, type ServerProcess } from '../../helpers/servers.ts';

let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.kill();
  server = undefined;
});

const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 784], data: new Array(784).fill(0.25) }] });

describe('in-flight requests', () => {
  it('stop counting when the client hangs up, so SIGTERM drains at once', async () => {
    server = await spawnServer(['--load-models', 'mlp', '--fault-latency-ms', '300', '--drain-timeout-ms', '20000']);
    const url = server.url;
    const aborts = Array.from({ length: 4 }, () => new AbortController());
    const hungUp = aborts.map((a) => fetch(`${url}/v2/models/mlp/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: a.signal }).catch(() => 'aborted'));
    await expect.poll(async () => metricValue(await scrape(url), 'servebench_inflight_requests'), { timeout: 10_000 }).toBe(4);
    for (const a of aborts) a.abort();
    expect(await Promise.all(hungUp)).toEqual(['aborted', 'aborted', 'aborted', 'aborted']);
    await expect.poll(async () => metricValue(await scrape(url), 'servebench_inflight_requests'), { timeout: 10_000 }).toBe(0);
    const signalledAt = performance.now();
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(10_000);
  });
});
