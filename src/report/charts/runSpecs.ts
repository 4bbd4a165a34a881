// Vega-Lite specs for one run: latency percentile distribution, traffic over time with fault
// markers, and the system over time. Pure: results in, specs out (charts/render.ts draws them).
import type { RunResults } from '../results.ts';
import { CONFIG, ERROR_COLOR, HEIGHT, OK_COLOR, WIDTH, markerLayer, ninesAxis, phaseBandLayers, type ChartSpec } from './common.ts';
import { MAX_NINES, markerRows, phaseBands, runPercentileRows, systemRows, traffic, type PercentileRow, type TimeRow } from './data.ts';

export function percentileChart(rows: PercentileRow[], options: { id?: string; title?: string; colorTitle?: string; dashField?: string } = {}): ChartSpec | undefined {
  if (rows.length === 0) return undefined;
  return {
    id: options.id ?? 'latency-percentiles',
    title: options.title ?? 'Latency by percentile',
    caption: `HdrHistogram-style: each curve is one latency distribution, read at percentiles spaced on a log "nines" axis up to p99.99 (x = 1/(1−p)). Flat and low is good; a late jump is a tail.`,
    spec: {
      config: CONFIG,
      width: WIDTH,
      height: HEIGHT,
      data: { values: rows },
      mark: { type: 'line', strokeWidth: 2, interpolate: 'step-after' },
      encoding: {
        x: ninesAxis(MAX_NINES),
        y: { field: 'latency_ms', type: 'quantitative', title: 'latency (ms)' },
        color: { field: 'series', type: 'nominal', title: options.colorTitle ?? 'phase' },
        ...(options.dashField ? { strokeDash: { field: options.dashField, type: 'nominal', title: 'phase' } } : {}),
      },
    },
  };
}

function timeLayer(values: TimeRow[], yTitle: string, colors?: { domain: string[]; range: string[] }) {
  return {
    data: { values },
    mark: { type: 'line' as const, strokeWidth: 1.8, clip: true },
    encoding: {
      x: { field: 't', type: 'quantitative' as const },
      y: { field: 'value', type: 'quantitative' as const, title: yTitle },
      color: { field: 'series', type: 'nominal' as const, title: 'series', ...(colors ? { scale: colors } : {}) },
    },
  };
}

const timeAxis = ([first, last]: [number, number]) => ({ encoding: { x: { field: 't', type: 'quantitative' as const, title: 'seconds since the run started', scale: { domain: [first, last], nice: false } } } });

/**
 * The shared x domain of the time charts: from the first phase (the seconds before are the server
 * starting, nothing to see) to the last second anything happened.
 */
function timeSpan(results: RunResults): [number, number] {
  const starts = [...results.phases.map((p) => p.started_s), ...results.timeseries.map((r) => r.t)];
  const ends = [...results.timeseries.map((r) => r.t + 1), ...results.system.map((s) => s.t), ...results.phases.map((p) => p.started_s + p.duration_s), ...(results.markers ?? []).map((m) => m.t)];
  const first = starts.length > 0 ? Math.floor(Math.min(...starts)) : 0;
  const last = ends.length > 0 ? Math.ceil(Math.max(...ends)) : 1;
  return [first, Math.max(first + 1, last)];
}

export function trafficChart(results: RunResults): ChartSpec | undefined {
  const { rate, latency } = traffic(results);
  if (rate.length === 0) return undefined;
  const bands = phaseBands(results);
  const markers = markerRows(results);
  const axis = timeAxis(timeSpan(results));
  return {
    id: 'traffic',
    title: 'Request rate and latency over time',
    caption: `Completed requests per second (ok and failed), then each second's p50 and p99. Shaded bands are phases${markers.length ? '; dashed rules are fault markers' : ''}.`,
    spec: {
      config: CONFIG,
      vconcat: [
        { width: WIDTH, height: HEIGHT * 0.8, ...axis, layer: [...phaseBandLayers(bands, true), timeLayer(rate, 'requests / s', { domain: ['ok', 'errors'], range: [OK_COLOR, ERROR_COLOR] }), ...markerLayer(markers)] },
        { width: WIDTH, height: HEIGHT * 0.8, ...axis, layer: [...phaseBandLayers(bands, false), timeLayer(latency, 'latency (ms)', { domain: ['p50', 'p99'], range: ['#72b7b2', '#b279a2'] }), ...markerLayer(markers)] },
      ],
      resolve: { scale: { color: 'independent', fill: 'shared' }, legend: { color: 'independent' } },
    },
  };
}

export function systemChart(results: RunResults): ChartSpec | undefined {
  const { cpu, memory, gpu } = systemRows(results);
  if (cpu.length + memory.length + gpu.length === 0) return undefined;
  const axis = timeAxis(timeSpan(results));
  const markers = markerRows(results);
  const panel = (values: TimeRow[], title: string) => ({ width: WIDTH, height: HEIGHT * 0.7, ...axis, layer: [timeLayer(values, title), ...markerLayer(markers)] });
  return {
    id: 'system',
    title: 'CPU, memory and GPU over time',
    caption: 'CPU in percent of one core (server and load generator) or of the machine; resident memory in MiB; GPU utilisation and memory when a GPU was sampled.',
    spec: {
      config: CONFIG,
      vconcat: [...(cpu.length ? [panel(cpu, 'CPU %')] : []), ...(memory.length ? [panel(memory, 'memory (MiB)')] : []), ...(gpu.length ? [panel(gpu, 'GPU %')] : [])],
      resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    },
  };
}

export function runCharts(results: RunResults): ChartSpec[] {
  return [percentileChart(runPercentileRows(results)), trafficChart(results), systemChart(results)].filter((c): c is ChartSpec => c !== undefined);
}

/** Two runs overlaid: colour is the run, dash the phase. */
export function comparisonPercentileChart(a: RunResults, b: RunResults): ChartSpec | undefined {
  const tag = (run: string) => (row: PercentileRow) => ({ ...row, run, phase: row.series, series: `${run}: ${row.series}` });
  const rows = [...runPercentileRows(a).map(tag('A')), ...runPercentileRows(b).map(tag('B'))];
  if (rows.length === 0) return undefined;
  const chart = percentileChart(rows, { id: 'compare-percentiles', title: 'Latency by percentile, A against B', colorTitle: 'run', dashField: 'phase' });
  if (!chart) return undefined;
  const spec = chart.spec as { encoding: Record<string, unknown> };
  spec.encoding.color = { field: 'run', type: 'nominal', title: 'run', scale: { domain: ['A', 'B'], range: [OK_COLOR, '#f58518'] } };
  return { ...chart, caption: `${chart.caption} Colour is the run (A blue, B orange), dash the phase.` };
}

