import { describe, expect, it } from 'vitest';
import type { LatencySummary } from '../../src/contract/results.ts';
import { evaluateThreshold, type ObservedMetrics, parseThreshold, parseThresholdIn } from '../../src/scenario/thresholds.ts';
import { ServebenchError } from '../../src/contract/errors.ts';

describe('parseThreshold', () => {
  it.each([
    ['p99 < 50ms', 'p99', '<', 50_000, 'us'],
    ['p50<=2s', 'p50', '<=', 2_000_000, 'us'],
    ['p90 < 250us', 'p90', '<', 250, 'us'],
    ['p95 < 250µs', 'p95', '<', 250, 'us'],
    ['p999 < 0.2s', 'p999', '<', 200_000, 'us'],
    ['max < 1s', 'max', '<', 1_000_000, 'us'],
    ['mean >= 1ms', 'mean', '>=', 1000, 'us'],
    ['p(99) < 50ms', 'p99', '<', 50_000, 'us'],
    ['p(99.9) < 80ms', 'p999', '<', 80_000, 'us'],
    ['error_rate < 0.1%', 'error_rate', '<', 0.001, 'ratio'],
    ['error_rate <= 0.001', 'error_rate', '<=', 0.001, 'ratio'],
    ['throughput > 500/s', 'throughput', '>', 500, 'rps'],
    ['rps > 500', 'throughput', '>', 500, 'rps'],
    ['throughput >= 30000/min', 'throughput', '>=', 500, 'rps'],
  ] as const)('reads %j', (expression, metric, op, value, unit) => {
    expect(parseThreshold(expression)).toEqual({ metric, op, value, unit, expression });
  });

  it('keeps the expression as written, trimmed', () => {
    expect(parseThreshold('  p99  <  50ms ').expression).toBe('p99  <  50ms');
  });

  it.each([
    ['p99 < fast', '"p99 < fast": expected a duration like 50ms'],
    ['p99 < 50', '"p99 < 50": expected a duration like 50ms'],
    ['error_rate < 5', '"error_rate < 5": expected a ratio like 0.001 or a percentage like 0.1%'],
    ['throughput > lots', '"throughput > lots": expected a rate like 500/s'],
    ['p98 < 50ms', '"p98 < 50ms": unknown metric "p98", expected one of min, mean, p50, p90, p95, p99, p999, max, error_rate, throughput, rps'],
    ['p99 = 50ms', '"p99 = 50ms": expected "<metric> <op> <value>" like "p99 < 50ms", "error_rate < 1%" or "throughput > 500/s"'],
    ['p99 <', '"p99 <": expected a value after "<"'],
    ['', '"": expected "<metric> <op> <value>" like "p99 < 50ms", "error_rate < 1%" or "throughput > 500/s"'],
  ])('refuses %j with a message naming it', (expression, message) => {
    expect(() => parseThreshold(expression)).toThrow(new ServebenchError('SB_ERR_THRESHOLD', message));
  });

  it('errors carry a stable code', () => {
    expect(() => parseThreshold('x')).toThrow(expect.objectContaining({ code: 'SB_ERR_THRESHOLD' }));
  });
});

const latency: LatencySummary = { count: 1000, min: 900, mean: 8000, p50: 7000, p90: 20_000, p99: 63_200, p999: 90_000, max: 120_000 };
const observed: ObservedMetrics = { latency_us: latency, error_rate: 0.0052, throughput_rps: 480.34 };

describe('evaluateThreshold', () => {
  it.each([
    ['p99 < 50ms', false, 63_200, 'us', 'p99 = 63.2ms, limit < 50ms: FAILED'],
    ['p99 < 100ms', true, 63_200, 'us', 'p99 = 63.2ms, limit < 100ms: passed'],
    ['p50 <= 7ms', true, 7000, 'us', 'p50 = 7ms, limit <= 7ms: passed'],
    ['p50 < 7ms', false, 7000, 'us', 'p50 = 7ms, limit < 7ms: FAILED'],
    ['max < 0.1s', false, 120_000, 'us', 'max = 120ms, limit < 100ms: FAILED'],
    ['error_rate < 1%', true, 0.0052, 'ratio', 'error_rate = 0.52%, limit < 1%: passed'],
    ['error_rate < 0.001', false, 0.0052, 'ratio', 'error_rate = 0.52%, limit < 0.1%: FAILED'],
    ['throughput > 500/s', false, 480.34, 'rps', 'throughput = 480.3/s, limit > 500/s: FAILED'],
    ['rps >= 400', true, 480.34, 'rps', 'rps = 480.3/s, limit >= 400/s: passed'],
  ] as const)('%s', (expression, passed, actual, unit, message) => {
    expect(evaluateThreshold(parseThreshold(expression), observed, 'steady')).toEqual({ expression, scope: 'steady', actual, unit, passed, message });
  });

  it('evaluates p95 when it is given, and fails it when it is not', () => {
    const withP95 = { ...observed, latency_us: { ...latency, p95: 40_000 } };
    expect(evaluateThreshold(parseThreshold('p95 < 50ms'), withP95)).toMatchObject({ passed: true, actual: 40_000, scope: '*' });
    expect(evaluateThreshold(parseThreshold('p95 < 50ms'), observed)).toMatchObject({
      passed: false, actual: null, message: 'p95: p95 not measured, limit < 50ms: FAILED',
    });
  });

  it('fails a latency threshold when no request completed, rather than passing on no data', () => {
    const empty = { ...observed, latency_us: { ...latency, count: 0, p99: 0 } };
    expect(evaluateThreshold(parseThreshold('p99 < 50ms'), empty)).toMatchObject({
      passed: false, actual: null, message: 'p99: no request completed, limit < 50ms: FAILED',
    });
  });
});

describe('one threshold grammar over one metric registry', () => {
  it('reads soak trends with the same grammar, each metric only where it can be judged', () => {
    expect(parseThresholdIn('rss_slope < 5MB/h', 'soak')).toEqual({ metric: 'rss_slope', op: '<', value: 5, unit: 'MB/h', expression: 'rss_slope < 5MB/h' });
    expect(parseThresholdIn('P99_DRIFT <= 150%', 'soak')).toMatchObject({ metric: 'p99_drift', op: '<=', value: 150, unit: '%' });
    expect(() => parseThreshold('rss_slope < 5MB/h')).toThrow(new ServebenchError('SB_ERR_THRESHOLD', '"rss_slope < 5MB/h": unknown metric "rss_slope", expected one of min, mean, p50, p90, p95, p99, p999, max, error_rate, throughput, rps; memory and p99 trends go in the soak section\'s thresholds (soak.thresholds)'));
    expect(() => parseThresholdIn('p99 < 5ms', 'soak')).toThrow(/unknown soak metric "p99".*go in the scenario's thresholds/);
    expect(() => parseThresholdIn('heap_slope >= 1MB/h', 'soak')).toThrow(new ServebenchError('SB_ERR_THRESHOLD', '"heap_slope >= 1MB/h": soak thresholds are upper bounds: use < or <='));
  });

  it('keeps every soak threshold the examples and docs write, with the meaning it had', async () => {
    const { readFile } = await import('node:fs/promises');
    const texts = await Promise.all(['scenarios/soak.yaml', 'scenarios/soak-leak.yaml', 'docs/soak.md'].map((f) => readFile(new URL(`../../${f}`, import.meta.url), 'utf8')));
    const written = [...new Set(texts.join('\n').match(/(?:rss|heap|external)_slope\s*<=?\s*[\d.]+\s*[KMG]i?B\/(?:s|min|h)\b|p99_drift\s*<=?\s*[\d.]+%/g))];
    expect(written.length).toBeGreaterThanOrEqual(2);
    for (const expression of written) expect(() => parseThresholdIn(expression, 'soak'), expression).not.toThrow();
    expect(parseThresholdIn('rss_slope < 1KB/s', 'soak').value).toBeCloseTo(3.6);
    expect(parseThresholdIn('external_slope < 1 GiB/hour', 'soak').value).toBeCloseTo(1073.741824);
  });
});
