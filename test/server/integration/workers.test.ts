// A worker that dies mid-batch fails only that batch's requests; it is replaced and serving goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server/server.ts';
import { metricValue, scrape } from '../../helpers/metrics.ts';
import { startTestServer } from '../../helpers/servers.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ load_models: 'mlp', workers: '2', fault_worker_crash_rate: '0.25', fault_seed: '3' });
});
afterAll(async () => {
  await server?.shutdown('test done');
});

describe('worker crash', () => {
  it('answers the crashed batch with a 5xx JSON error and keeps serving on replacement workers', async () => {
    const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 784], data: new Array(784).fill(0.5) }] });
    const outcomes: { status: number; code?: string }[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${server.url}/v2/models/mlp/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      outcomes.push({ status: res.status, code: (await res.json()).code });
    }
    const failed = outcomes.filter((o) => o.status !== 200);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(40);
    expect(failed.every((o) => o.status === 500 && o.code === 'SB_ERR_WORKER_FAILED')).toBe(true);
    const lastFailure = outcomes.findLastIndex((o) => o.status !== 200);
    expect(outcomes.slice(0, lastFailure).some((o) => o.status === 200)).toBe(true);
    const text = await scrape(server.url);
    expect(metricValue(text, 'servebench_worker_restarts_total', { model: 'mlp' })).toBe(failed.length);
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
  });
});
