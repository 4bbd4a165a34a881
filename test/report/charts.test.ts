// Chart data and specs are pure functions of results.json; rendering turns each spec into an SVG
// with data marks and no Vega warning.
import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, decodeHistogram, encodeHistogram, recordLatency } from '../../src/analyze/latency.ts';
import { median } from '../../src/analyze/stats.ts';
import { capacityRows, curveRows, markerRows, percentileRows, runPercentileRows, soakTrend, systemRows, traffic, varyingKnobs } from '../../src/report/charts/data.ts';
import { renderChart, scopeSvgIds } from '../../src/report/charts/render.ts';
import { SERIES_COLORS, timeUnitFor } from '../../src/report/charts/common.ts';
import { comparisonPercentileChart, needsLogLatency, pageTimeUnit, runCharts } from '../../src/report/charts/runSpecs.ts';
import { soakCharts, sweepCharts } from '../../src/report/charts/studySpecs.ts';
import { fixture } from './helpers.ts';

/** The same distribution, every value times `factor`. */
function scaledHistogram(encoded: string, factor: number): string {
  const from = decodeHistogram(encoded);
  const to = createLatencyHistogram();
  for (let p = 0; p <= 100; p += 0.5) recordLatency(to, from.getValueAtPercentile(p) * factor);
  return encodeHistogram(to);
}

describe('latency percentile distribution', () => {
  const quick = fixture('quick');
  const phase = quick.phases[2];
  const rows = percentileRows(phase.histogram, phase.name);

  it('reads the histogram at percentiles spaced on the nines axis from p0 to p99.99', () => {
    expect(rows[0]).toMatchObject({ percentile: 0, nines: 1 });
    expect(rows.at(-1)!.nines).toBeCloseTo(10_000, 6);
    expect(rows.at(-1)!.percentile).toBeCloseTo(99.99, 6);
    for (let i = 1; i < rows.length; i++) expect(rows[i].latency_ms).toBeGreaterThanOrEqual(rows[i - 1].latency_ms);
  });

  it('agrees with the phase summary at p50 and p99 (same HdrHistogram semantics)', () => {
    const at = (percentile: number) => rows.find((r) => r.percentile === percentile)!.latency_ms;
    expect(at(50) * 1000).toBe(phase.latency_us.p50);
    expect(at(99) * 1000).toBe(phase.latency_us.p99);
    expect(at(99.9) * 1000).toBe(phase.latency_us.p999);
    expect(decodeHistogram(phase.histogram).totalCount).toBe(phase.latency_us.count);
  });

  it('draws one curve per counted phase plus the total, leaving warm-up out', () => {
    expect([...new Set(runPercentileRows(quick).map((r) => r.series))]).toEqual(['closed-8', 'open-500', 'all counted']);
  });

  it('puts curves a factor of ten apart on a log latency axis, so the lower one is not a flat line', () => {
    const a = fixture('quick');
    const b = fixture('quick');
    expect(needsLogLatency(runPercentileRows(a))).toBe(false);
    const far = [...percentileRows(a.phases[1].histogram, 'A'), ...percentileRows(a.phases[1].histogram, 'B').map((r) => ({ ...r, latency_ms: r.latency_ms * 2370 }))];
    expect(needsLogLatency(far)).toBe(true);
    const yScale = () => (comparisonPercentileChart(a, b)!.spec as { encoding: { y: { scale?: { type: string } } } }).encoding.y.scale?.type;
    expect(yScale()).toBeUndefined();
    // B 2370 times slower (a +236900% change): both curves keep their shape on a log axis.
    b.phases = b.phases.map((p) => (p.counted ? { ...p, histogram: scaledHistogram(p.histogram, 2370) } : p));
    b.totals = { ...b.totals, histogram: scaledHistogram(b.totals.histogram, 2370) };
    expect(yScale()).toBe('log');
  });

  it('is empty for an empty histogram', () => {
    expect(percentileRows('', 'none')).toEqual([]);
  });
});

describe('time series', () => {
  it('takes rate and latency per second, and the fault markers the run recorded', () => {
    const flap = fixture('flap');
    const { rate, latency } = traffic(flap);
    expect(rate).toHaveLength(2 * flap.timeseries.length);
    expect(rate.filter((r) => r.series === 'ok').reduce((a, r) => a + r.value, 0)).toBe(flap.timeseries.reduce((a, r) => a + r.ok, 0));
    expect(latency.every((r) => r.value > 0)).toBe(true);
    expect(markerRows(flap).map((m) => m.kind)).toContain('proxy-cut');
    expect(markerRows(fixture('shutdown')).map((m) => m.kind)).toEqual(['shutdown-sent', 'server-exited']);
  });

  it('takes CPU as cores busy (server, load generator and machine on one scale) and memory in MB', () => {
    const quick = fixture('quick');
    const { cpu, memory, gpu } = systemRows(quick);
    const first = quick.system.find((s) => s.server_rss_bytes !== undefined && s.machine_cpu_percent !== undefined)!;
    expect(memory.find((m) => m.series === 'server RSS')!.value).toBeCloseTo(first.server_rss_bytes! / 1e6, 6);
    const at = (series: string) => cpu.find((c) => c.series === series && c.t === Math.round(first.t * 100) / 100)!.value;
    expect(at('server')).toBeCloseTo(first.server_cpu_percent! / 100, 9);
    // 100% of a 2-core machine is 2 cores busy, never above the machine's cores.
    expect(at('machine')).toBeCloseTo((first.machine_cpu_percent! / 100) * quick.environment.cores, 9);
    expect(Math.max(...cpu.filter((c) => c.series === 'machine').map((c) => c.value))).toBeLessThanOrEqual(quick.environment.cores);
    expect(gpu).toEqual([]);
  });

  it('gives each named series one colour on every chart, and no two series the same', () => {
    const specs = JSON.stringify([...runCharts(fixture('flap')), ...soakCharts(fixture('soak').soak!)].map((c) => c.spec));
    const scales = [...specs.matchAll(/"domain":(\[[^\]]*\]),"range":(\[[^\]]*\])/g)].map((m) => [JSON.parse(m[1]) as string[], JSON.parse(m[2]) as string[]]);
    const colourOf = new Map<string, string>();
    for (const [domain, range] of scales) domain.forEach((series, i) => {
      if (typeof series !== 'string') return;
      expect(colourOf.get(series) ?? range[i], series).toBe(range[i]);
      colourOf.set(series, range[i]);
    });
    expect(colourOf.get('server')).toBe(SERIES_COLORS.server);
    expect(colourOf.get('p99')).toBe(SERIES_COLORS.p99);
    // Distinct series, distinct colours (the server's CPU and RSS are one series of one process).
    const distinct = ['ok', 'errors', 'p50', 'p99', 'server', 'load generator', 'machine', 'server heap'].map((s) => SERIES_COLORS[s]);
    expect(new Set(distinct).size).toBe(distinct.length);
  });

  it('puts every time axis of a page in one unit, chosen from the longest span on it', () => {
    expect(timeUnitFor(45).name).toBe('seconds');
    expect(timeUnitFor(2 * 3600).name).toBe('minutes');
    expect(timeUnitFor(8 * 3600).name).toBe('hours');
    const soak = fixture('soak');
    const unit = pageTimeUnit(soak);
    const titles = JSON.stringify([...runCharts(soak, unit), ...soakCharts(soak.soak!, unit)].map((c) => c.spec)).match(/"title":"(seconds|minutes|hours) since[^"]*"/g)!;
    expect(new Set(titles.map((t) => t.match(/seconds|minutes|hours/)![0]))).toEqual(new Set([unit.name]));
  });
});

describe('sweep charts data', () => {
  const sweep = fixture('sweep').sweep!;

  it('labels configurations by the knobs that vary only', () => {
    expect(varyingKnobs(sweep)).toEqual(['workers', 'max_batch_size']);
    expect(curveRows(sweep)[0].config).toBe('workers=1 max_batch_size=1');
  });

  it('has one capacity row per trial, the recommendation marked, repeats as a range, heatmap cells in numeric order', () => {
    const rows = capacityRows(sweep);
    expect(rows).toHaveLength(sweep.trials.length);
    expect(rows.filter((r) => r.recommended).map((r) => r.config)).toEqual(['workers=2 max_batch_size=8']);
    expect(rows[4]).toMatchObject({ low: 548, high: 571 });
    // max_batch_size 1, 8, 32: numeric order, not "1", "32", "8"
    expect(rows.filter((r) => r.a === '1').map((r) => [r.b, r.bOrder])).toEqual([['1', 0], ['8', 1], ['32', 2]]);
  });
});

describe('soak trend', () => {
  const soak = fixture('soak').soak!;
  const trend = soakTrend(soak);

  it('draws the fitted line with the stored Theil–Sen slope through the median point after warm-up', () => {
    const [start, end] = trend.fit;
    expect((end.mb - start.mb) / (end.hours - start.hours)).toBeCloseTo(soak.leak.slope_per_hour, 9);
    const after = soak.samples.filter((s) => s.t >= soak.warmup_s);
    expect(start.hours).toBe(after[0].t / 3600);
    // Half the points lie above the line, half below (Conover's intercept).
    const residuals = after.map((s) => s.rss_bytes! / 1e6 - (start.mb + soak.leak.slope_per_hour * (s.t / 3600 - start.hours)));
    expect(Math.abs(median(residuals))).toBeLessThan(1e-9);
  });

  it('leaves a memory limit far above the data off the chart', () => {
    expect(trend.limitMb).toBeUndefined();
    const near = soakTrend({ ...soak, leak: { ...soak.leak, limit_bytes: 220e6 } });
    expect(near.limitMb).toBe(220);
  });
});

describe('rendering', () => {
  it('draws every chart of every fixture as an SVG with data marks and no warning', async () => {
    const charts = [
      ...runCharts(fixture('flap')),
      ...sweepCharts(fixture('sweep').sweep!),
      ...soakCharts(fixture('soak').soak!),
      comparisonPercentileChart(fixture('quick'), fixture('shutdown'))!,
    ];
    expect(charts.map((c) => c.id)).toEqual(['latency-percentiles', 'traffic', 'system', 'sweep-curves', 'sweep-capacity', 'sweep-heatmap', 'soak-memory', 'soak-p99', 'compare-percentiles']);
    for (const chart of charts) {
      const rendered = await renderChart(chart);
      expect(rendered.error, chart.id).toBeUndefined();
      expect(rendered.warnings, chart.id).toEqual([]);
      expect(rendered.svg, chart.id).toMatch(/^<svg role="img" aria-label="[^"]+"/);
      expect(rendered.svg!.match(/class="mark-[a-z]+ role-mark/g)?.length ?? 0, chart.id).toBeGreaterThan(0);
    }
  }, 60_000);

  it('a broken spec becomes a chart with an error, not a failed report', async () => {
    const rendered = await renderChart({ id: 'broken', title: 'Broken', caption: '', spec: { mark: 'line', encoding: { x: { field: 'a', type: 'quantitative' } }, data: { values: [{ a: 1 }] }, transform: [{ calculate: 'datum.(', as: 'b' }] } });
    expect(rendered.svg).toBeUndefined();
    expect(rendered.error).toBeTruthy();
  });

  it('prefixes ids and their references so several SVGs can share one page', () => {
    const svg = '<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"></g><use href="#clip1"/></svg>';
    expect(scopeSvgIds(svg, 'chart-x')).toBe('<svg><clipPath id="chart-x-clip1"><rect/></clipPath><g clip-path="url(#chart-x-clip1)"></g><use href="#chart-x-clip1"/></svg>');
  });
});
