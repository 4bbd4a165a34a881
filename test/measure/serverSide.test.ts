// Each server's own metrics, read from real scrapes (fixtures/metrics/): queue vs compute time,
// batch sizes and outcomes, and what that server does not expose.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../src/measure/prometheusText.ts';
import { summarizeServerSide } from '../../src/measure/serverSide.ts';
import { REPO_ROOT } from '../helpers/servers.ts';

const scrape = (name: string) => parsePrometheusText(readFileSync(`${REPO_ROOT}fixtures/metrics/${name}.txt`, 'utf8'));
const pair = (server: string) => [scrape(`${server}-before`), scrape(`${server}-after`)] as const;

describe('server-side summaries of real peers', () => {
  it('Triton: per-request queue, compute and whole time from its cumulative counters; batches from executions', () => {
    const [before, after] = pair('triton-pytriton-0.7');
    const summary = summarizeServerSide(before, after, { model: 'mlp' });
    // 21 requests in 4 executions; durations are the counters' increases over 21.
    expect(summary).toMatchObject({ source: 'triton', batch_size_mean: 5.25, requests_by_outcome: { success: 21 } });
    expect(summary.queue_mean_us).toBeCloseTo((451543 - 22799) / 21, 0);
    expect(summary.compute_mean_us).toBeCloseTo((2706 - 174 + 235652 - 12160 + 32228 - 246) / 21, 0);
    expect(summary.request_mean_us).toBeCloseTo((722360 - 35385) / 21, 0);
    expect(summary.missing).toEqual([expect.stringMatching(/^requests by HTTP status/)]);
  });

  it('TorchServe: queue from its queue latency, compute as the rest, batches from the handler counters', () => {
    const [before, after] = pair('torchserve-0.12');
    const summary = summarizeServerSide(before, after, { model: 'mlp' });
    expect(summary.source).toBe('torchserve');
    expect(summary.batch_size_mean).toBeCloseTo(22 / 6, 3);
    expect(summary.queue_mean_us).toBeCloseTo((573208.404 - 24343.921) / 22, 0);
    expect(summary.request_mean_us).toBeCloseTo((1270342.324 - 34499.658) / 22, 0);
    expect(summary.compute_mean_us).toBeCloseTo(summary.request_mean_us! - summary.queue_mean_us!, 0);
    expect(summary.requests_by_outcome).toEqual({ requests: 22, host_2xx: 23, host_4xx: 1 });
    expect(summary.missing![0]).toMatch(/^compute time as such/);
  });

  it('MLServer: whole request time from its summary, compute and rows from the runtime adapter, queue said missing', () => {
    const [before, after] = pair('mlserver-1.7');
    const summary = summarizeServerSide(before, after, { model: 'mlp' });
    expect(summary).toMatchObject({ source: 'mlserver', requests_by_outcome: { success: 21, failure: 1 }, batch_size_mean: 7 });
    expect(summary.request_mean_us).toBeCloseTo(((1.0124387420003131 - 0.02502482099998815) / 22) * 1e6, 0);
    expect(summary.compute_mean_us).toBeCloseTo(((0.0019360869996489782 - 0.0012483829998473084) / 3) * 1e6, 0);
    expect(summary.queue_mean_us).toBeUndefined();
    expect(summary.missing).toContainEqual(expect.stringMatching(/^queue wait/));
  });

  it('says a runtime without batch metrics gives none, instead of a zero', () => {
    const strip = (text: string) => parsePrometheusText(text.split('\n').filter((l) => !l.includes('servebench_onnx')).join('\n'));
    const read = (name: string) => readFileSync(`${REPO_ROOT}fixtures/metrics/${name}.txt`, 'utf8');
    const summary = summarizeServerSide(strip(read('mlserver-1.7-before')), strip(read('mlserver-1.7-after')), { model: 'mlp' });
    expect(summary.batch_size_mean).toBeUndefined();
    expect(summary.missing).toContainEqual(expect.stringMatching(/^batch size and compute time/));
  });

  it('reads nothing from another model', () => {
    const [before, after] = pair('triton-pytriton-0.7');
    expect(summarizeServerSide(before, after, { model: 'cnn' })).toEqual({ source: 'triton', missing: expect.any(Array), requests_by_outcome: { success: 0 } });
  });
});
