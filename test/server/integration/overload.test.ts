// A bounded queue answers 503 with Retry-After at once instead of growing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server/server.ts';
import { metricValue, scrape } from '../../helpers/metrics.ts';
import { startTestServer } from '../../helpers/servers.ts';

let server: RunningServer;
beforeAll(async () => {
  // Each inference holds its worker ~15 ms (cnn at batch 1 plus added latency), so 120 at once overflow a queue of 8.
  server = await startTestServer({ load_models: 'cnn', max_queue_size: '8', workers: '1' });
});
afterAll(async () => {
  await server?.shutdown('test done');
});

describe('queue overflow', () => {
  it('sheds what does not fit with fast 503s and serves what was admitted', async () => {
    const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 64, 64], data: new Array(3 * 64 * 64).fill(0.1) }] });
    const results = await Promise.all(
      Array.from({ length: 120 }, async () => {
        const started = performance.now();
        const res = await fetch(`${server.url}/v2/models/cnn/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const json = await res.json();
        return { status: res.status, retryAfter: res.headers.get('retry-after'), code: json.code, ms: performance.now() - started };
      }),
    );
    const shed = results.filter((r) => r.status === 503);
    const served = results.filter((r) => r.status === 200);
    expect(shed.length).toBeGreaterThan(0);
    expect(served.length).toBeGreaterThanOrEqual(8);
    expect(shed.length + served.length).toBe(120);
    expect(shed.every((r) => r.code === 'SB_ERR_QUEUE_FULL' && r.retryAfter === '1')).toBe(true);
    // Shed requests do not wait for the queue: the slowest 503 beats the slowest 200.
    expect(Math.max(...shed.map((r) => r.ms))).toBeLessThan(Math.max(...served.map((r) => r.ms)));
    const text = await scrape(server.url);
    expect(metricValue(text, 'servebench_requests_total', { model: 'cnn', code: '503' })).toBe(shed.length);
    expect(metricValue(text, 'servebench_queue_depth', { model: 'cnn' })).toBe(0);
  });
});
