// Under concurrency, dynamic batching really forms batches larger than one (read from /metrics).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server/server.ts';
import { metricValue, scrape } from '../../helpers/metrics.ts';
import { startTestServer } from '../../helpers/servers.ts';
import { seededFloats } from '../../helpers/tensors.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ load_models: 'mlp', max_batch_size: '16', max_batch_delay_us: '20000', max_queue_size: '1000' });
});
afterAll(async () => {
  await server?.shutdown('test done');
});

describe('dynamic batching under concurrency', () => {
  it('runs 64 concurrent requests in batches averaging more than one request', async () => {
    const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 784], data: Array.from(seededFloats(784, 1)) }] });
    const statuses = await Promise.all(
      Array.from({ length: 64 }, () => fetch(`${server.url}/v2/models/mlp/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.status)),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    const text = await scrape(server.url);
    const batches = metricValue(text, 'servebench_batch_size_count', { model: 'mlp' })!;
    const samples = metricValue(text, 'servebench_batch_size_sum', { model: 'mlp' })!;
    expect(samples).toBe(64);
    expect(batches).toBeLessThan(64);
    expect(samples / batches).toBeGreaterThan(1);
    expect(metricValue(text, 'servebench_requests_total', { model: 'mlp', code: '200', protocol: 'kserve-v2' })).toBe(64);
    expect(metricValue(text, 'servebench_queue_duration_seconds_count', { model: 'mlp' })).toBe(64);
    expect(metricValue(text, 'servebench_live_workers', { model: 'mlp' })).toBe(1);
  });
});
