// The Prometheus text-format parser on the format's corner cases, and delta maths between scrapes.
import { describe, expect, it } from 'vitest';
import { isServebenchError } from '../../src/contract/errors.ts';
import { parsePrometheusText, parseValue } from '../../src/measure/prometheusText.ts';
import { histogramMean, increase, SERVER_MEMORY_SAMPLES, serverMemory } from '../../src/measure/serverMetrics.ts';
import { summarizeServerSide } from '../../src/measure/serverSide.ts';

describe('parsePrometheusText', () => {
  const cases: { line: string; name: string; labels: Record<string, string>; value: number; timestampMs?: number }[] = [
    { line: 'up 1', name: 'up', labels: {}, value: 1 },
    { line: 'http_requests_total{method="post",code="200"} 1027 1395066363000', name: 'http_requests_total', labels: { method: 'post', code: '200' }, value: 1027, timestampMs: 1395066363000 },
    { line: 'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9', name: 'msdos_file_access_time_seconds', labels: { path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' }, value: 1.458255915e9 },
    { line: 'metric_without_timestamp_and_labels 12.47', name: 'metric_without_timestamp_and_labels', labels: {}, value: 12.47 },
    { line: 'something_weird{problem="division by zero"} +Inf -3982045', name: 'something_weird', labels: { problem: 'division by zero' }, value: Infinity, timestampMs: -3982045 },
    { line: 'x_bucket{le="+Inf"} 7', name: 'x_bucket', labels: { le: '+Inf' }, value: 7 },
    { line: 'neg -Inf', name: 'neg', labels: {}, value: -Infinity },
    { line: 'trailing_comma{a="1",} 2', name: 'trailing_comma', labels: { a: '1' }, value: 2 },
    { line: 'spaced { a = "x y" , b="}" }   3.5e-3', name: 'spaced', labels: { a: 'x y', b: '}' }, value: 0.0035 },
    { line: 'empty_labels{} 0', name: 'empty_labels', labels: {}, value: 0 },
    { line: 'colon:name:total 5', name: 'colon:name:total', labels: {}, value: 5 },
    { line: '\tindented 6', name: 'indented', labels: {}, value: 6 },
  ];
  for (const c of cases) {
    it(`reads ${JSON.stringify(c.line)}`, () => {
      const [sample] = parsePrometheusText(c.line).samples;
      expect(sample).toEqual({ name: c.name, labels: c.labels, value: c.value, ...(c.timestampMs !== undefined ? { timestampMs: c.timestampMs } : {}) });
    });
  }

  it('reads NaN as NaN', () => {
    expect(parsePrometheusText('gauge_nan NaN').samples[0].value).toBeNaN();
    expect(parseValue('nan')).toBeNaN();
  });

  it('keeps HELP (unescaped) and TYPE, skips other comments and blank lines, accepts CRLF', () => {
    const text = '# HELP a_total Requests with "quotes" and \\\\ and\\nnewline\r\n# TYPE a_total counter\r\n# just a comment\r\n\r\na_total 3\r\n';
    const parsed = parsePrometheusText(text);
    expect(parsed.help.a_total).toBe('Requests with "quotes" and \\ and\nnewline');
    expect(parsed.types).toEqual({ a_total: 'counter' });
    expect(parsed.samples).toEqual([{ name: 'a_total', labels: {}, value: 3 }]);
  });

  it('reads only the samples asked for, skipping the rest unread (a malformed line among them too)', () => {
    const text = 'req_bucket{le="0.1"} 4\nreq_bucket{le="+Inf"} 9\n  mem_bytes 7\nbroken{a="1" 2\nmem_bytes{kind="heap"}\t8\n';
    const parsed = parsePrometheusText(text, { only: new Set(['mem_bytes']) });
    expect(parsed.samples).toEqual([{ name: 'mem_bytes', labels: {}, value: 7 }, { name: 'mem_bytes', labels: { kind: 'heap' }, value: 8 }]);
    expect(() => parsePrometheusText(text)).toThrow(/metrics line 4/);
  });

  const bad: [string, RegExp][] = [
    ['1bad 1', /^metrics line 3: expected a metric name at column 1/],
    ['m{a="1" 2', /expected "," or "}"/],
    ['m{a="unterminated} 2', /unterminated label value/],
    ['m{a="\\t"} 2', /unknown escape/],
    ['m{1a="x"} 2', /expected a label name/],
    ['m', /missing value/],
    ['m one', /value is not a number/],
    ['m 1 12.5', /timestamp "12.5"/],
    ['m 1 2 3', /unexpected text after the timestamp/],
  ];
  for (const [line, message] of bad) {
    it(`refuses ${JSON.stringify(line)} naming the line and what is wrong`, () => {
      let caught: unknown;
      try {
        parsePrometheusText(`# TYPE ok gauge\nok 1\n${line}`);
      } catch (err) {
        caught = err;
      }
      expect(isServebenchError(caught, 'SB_ERR_METRICS_PARSE')).toBe(true);
      expect((caught as Error).message).toMatch(/^metrics line 3: /);
      expect((caught as Error).message).toMatch(message);
    });
  }
});

describe('deltas between two scrapes', () => {
  const before = parsePrometheusText(`
servebench_requests_total{model="mlp",version="1",protocol="kserve-v2",code="200"} 10
servebench_requests_total{model="mlp",version="1",protocol="kserve-v2",code="400"} 2
servebench_requests_total{model="cnn",version="1",protocol="kserve-v2",code="200"} 4
servebench_queue_duration_seconds_sum{model="mlp"} 0.010
servebench_queue_duration_seconds_count{model="mlp"} 10
servebench_compute_duration_seconds_sum{model="mlp"} 0.020
servebench_compute_duration_seconds_count{model="mlp"} 10
servebench_batch_size_sum{model="mlp"} 10
servebench_batch_size_count{model="mlp"} 10
`);
  const AFTER_TEXT = `
servebench_requests_total{model="mlp",version="1",protocol="kserve-v2",code="200"} 110
servebench_requests_total{model="mlp",version="1",protocol="kserve-v2",code="400"} 2
servebench_requests_total{model="mlp",version="1",protocol="kserve-v2",code="503"} 5
servebench_requests_total{model="cnn",version="1",protocol="kserve-v2",code="200"} 9
servebench_queue_duration_seconds_sum{model="mlp"} 0.110
servebench_queue_duration_seconds_count{model="mlp"} 110
servebench_compute_duration_seconds_sum{model="mlp"} 0.320
servebench_compute_duration_seconds_count{model="mlp"} 110
servebench_batch_size_sum{model="mlp"} 110
servebench_batch_size_count{model="mlp"} 35
process_resident_memory_bytes 123456789
nodejs_heap_size_used_bytes 2345678
nodejs_external_memory_bytes 345678
`;
  const after = parsePrometheusText(AFTER_TEXT);

  it('summarises one model: queue and compute means in us, batch mean, requests by code', () => {
    expect(summarizeServerSide(before, after, { model: 'mlp' })).toEqual({
      source: 'servebench',
      queue_mean_us: 1000,
      compute_mean_us: 3000,
      batch_size_mean: 4,
      requests_by_code: { '200': 100, '503': 5 },
    });
  });

  it('sums every model without a filter', () => {
    expect(summarizeServerSide(before, after).requests_by_code).toEqual({ '200': 105, '503': 5 });
  });

  it('counts a counter that went down as reset to zero (server restarted)', () => {
    const restarted = parsePrometheusText('servebench_requests_total{model="mlp",code="200"} 7');
    expect(increase(parsePrometheusText('servebench_requests_total{model="mlp",code="200"} 500'), restarted, 'servebench_requests_total')).toBe(7);
  });

  it('has no mean without observations, and no summary fields for a server without these metrics', () => {
    expect(histogramMean(before, before, 'servebench_batch_size')).toBeUndefined();
    expect(summarizeServerSide(parsePrometheusText('up 1'), parsePrometheusText('up 1'))).toEqual({});
  });

  it('reads the server process memory, also from a scrape parsed for those samples alone', () => {
    expect(serverMemory(after)).toEqual({ rss_bytes: 123456789, heap_used_bytes: 2345678, external_bytes: 345678 });
    expect(serverMemory(parsePrometheusText(AFTER_TEXT, { only: SERVER_MEMORY_SAMPLES }))).toEqual(serverMemory(after));
    expect(serverMemory(before)).toEqual({});
  });
});
