// Vega-Lite specs for one run: latency percentile distribution, traffic over time with fault
// markers, and the system over time. Pure: results in, specs out (charts/render.ts draws them).
import type { RunResults } from '../../contract/results.ts';
import { CONFIG, HEIGHT, RUN_COLORS, WIDTH, markerLayer, ninesAxis, phaseBandLayers, seriesScale, timeUnitFor, type ChartSpec, type TimeUnit } from './common.ts';
import { MAX_NINES, markerRows, phaseBands, runPercentileRows, systemRows, traffic, type PercentileRow, type TimeRow } from './data.ts';

/**
 * Curves whose medians lie a factor of ten or more apart share a log latency axis: on a linear one
 * the lower curve is a flat line at zero and its shape, and the size of the gap, are lost.
 */
export function needsLogLatency(rows: PercentileRow[]): boolean {
  const medians = [...new Set(rows.map((r) => r.series))].map((series) => {
    const own = rows.filter((r) => r.series === series && r.latency_ms > 0).map((r) => r.latency_ms).sort((x, y) => x - y);
    return own.length > 0 ? own[Math.floor(own.length / 2)] : 0;
  }).filter((m) => m > 0);
  return medians.length > 1 && Math.max(...medians) / Math.min(...medians) >= 10;
}

export function percentileChart(rows: PercentileRow[], options: { id?: string; title?: string; colorTitle?: string; dashField?: string } = {}): ChartSpec | undefined {
  if (rows.length === 0) return undefined;
  const log = needsLogLatency(rows);
  return {
    id: options.id ?? 'latency-percentiles',
    title: options.title ?? 'Latency by percentile',
    caption: `HdrHistogram-style: each curve is one latency distribution, read at percentiles spaced on a log "nines" axis up to p99.99 (x = 1/(1−p)). Flat and low is good; a late jump is a tail.${log ? ' The curves lie a factor of ten or more apart, so latency is on a log axis too.' : ''}`,
    spec: {
      config: CONFIG,
      width: WIDTH,
      height: HEIGHT,
      // A log axis has no zero: a sub-microsecond reading would pull it to infinity.
      data: { values: log ? rows.filter((r) => r.latency_ms > 0) : rows },
      mark: { type: 'line', strokeWidth: 2, interpolate: 'step-after' },
      encoding: {
        x: ninesAxis(MAX_NINES),
        y: { field: 'latency_ms', type: 'quantitative', title: log ? 'latency (ms, log scale)' : 'latency (ms)', ...(log ? { scale: { type: 'log' } } : {}) },
        color: { field: 'series', type: 'nominal', title: options.colorTitle ?? 'phase' },
        ...(options.dashField ? { strokeDash: { field: options.dashField, type: 'nominal', title: 'phase' } } : {}),
      },
    },
  };
}

function timeLayer(values: TimeRow[], yTitle: string, yScale?: { domain: number[] }) {
  return {
    data: { values },
    mark: { type: 'line' as const, strokeWidth: 1.8, clip: true },
    encoding: {
      x: { field: 't', type: 'quantitative' as const },
      y: { field: 'value', type: 'quantitative' as const, title: yTitle, ...(yScale ? { scale: yScale } : {}) },
      color: { field: 'series', type: 'nominal' as const, title: 'series', scale: seriesScale(values.map((v) => v.series)) },
    },
  };
}

const timeAxis = ([first, last]: [number, number], unit: TimeUnit) => ({ encoding: { x: { field: 't', type: 'quantitative' as const, title: `${unit.name} since the run started`, scale: { domain: [first, last], nice: false } } } });

/**
 * The shared x domain of the time charts, in seconds: from the first phase (the seconds before are
 * the server starting, nothing to see) to the last second anything happened.
 */
function timeSpan(results: RunResults): [number, number] {
  const starts = [...results.phases.map((p) => p.started_s), ...results.timeseries.map((r) => r.t)];
  const ends = [...results.timeseries.map((r) => r.t + 1), ...results.system.map((s) => s.t), ...results.phases.map((p) => p.started_s + p.duration_s), ...(results.markers ?? []).map((m) => m.t)];
  const first = starts.length > 0 ? Math.floor(Math.min(...starts)) : 0;
  const last = ends.length > 0 ? Math.ceil(Math.max(...ends)) : 1;
  return [first, Math.max(first + 1, last)];
}

/** The time unit of a page showing these runs: from the longest run (or soak) on it. */
export function pageTimeUnit(...runs: RunResults[]): TimeUnit {
  const spans = runs.flatMap((r) => {
    const [first, last] = timeSpan(r);
    return [last - first, r.soak?.duration_s ?? 0];
  });
  return timeUnitFor(Math.max(0, ...spans));
}

const inUnit = <T extends { t: number }>(rows: T[], unit: TimeUnit): T[] => (unit.seconds === 1 ? rows : rows.map((r) => ({ ...r, t: r.t / unit.seconds })));

export function trafficChart(results: RunResults, unit: TimeUnit = pageTimeUnit(results)): ChartSpec | undefined {
  const { rate, latency } = traffic(results);
  if (rate.length === 0) return undefined;
  const bands = phaseBands(results).map((b) => ({ ...b, start: b.start / unit.seconds, end: b.end / unit.seconds }));
  const markers = inUnit(markerRows(results), unit);
  const [first, last] = timeSpan(results);
  const axis = timeAxis([first / unit.seconds, last / unit.seconds], unit);
  return {
    id: 'traffic',
    title: 'Request rate and latency over time',
    caption: `Requests that ended per second (ok, and every other outcome as errors), then each second's p50 and p99. Shaded bands are phases${markers.length ? '; dashed rules are fault markers' : ''}.`,
    spec: {
      config: CONFIG,
      vconcat: [
        { width: WIDTH, height: HEIGHT * 0.8, ...axis, layer: [...phaseBandLayers(bands, true), timeLayer(inUnit(rate, unit), 'requests / s'), ...markerLayer(markers)] },
        { width: WIDTH, height: HEIGHT * 0.8, ...axis, layer: [...phaseBandLayers(bands, false), timeLayer(inUnit(latency, unit), 'latency (ms)'), ...markerLayer(markers)] },
      ],
      resolve: { scale: { color: 'independent', fill: 'shared' }, legend: { color: 'independent' } },
    },
  };
}

export function systemChart(results: RunResults, unit: TimeUnit = pageTimeUnit(results)): ChartSpec | undefined {
  const { cpu, memory, gpu } = systemRows(results);
  if (cpu.length + memory.length + gpu.length === 0) return undefined;
  const [first, last] = timeSpan(results);
  const axis = timeAxis([first / unit.seconds, last / unit.seconds], unit);
  const markers = inUnit(markerRows(results), unit);
  const machineCores = results.environment.cores;
  const panel = (values: TimeRow[], title: string, yScale?: { domain: number[] }) => ({ width: WIDTH, height: HEIGHT * 0.7, ...axis, layer: [timeLayer(inUnit(values, unit), title, yScale), ...markerLayer(markers)] });
  const cpuScale = machineCores > 0 ? { domain: [0, Math.max(machineCores, ...cpu.map((c) => c.value))] } : undefined;
  return {
    id: 'system',
    title: 'CPU, memory and GPU over time',
    caption: `CPU as cores busy, all on one scale: the server and the load generator (their process trees) and the whole machine${machineCores > 0 ? ` (the axis ends at its ${machineCores} cores)` : ''}; resident memory in MB (10⁶ bytes); GPU utilisation and memory in percent when a GPU was sampled.`,
    spec: {
      config: CONFIG,
      vconcat: [...(cpu.length ? [panel(cpu, machineCores > 0 ? `CPU (cores busy, of ${machineCores})` : 'CPU (cores busy)', cpuScale)] : []), ...(memory.length ? [panel(memory, 'memory (MB)')] : []), ...(gpu.length ? [panel(gpu, 'GPU %')] : [])],
      resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    },
  };
}

export function runCharts(results: RunResults, unit: TimeUnit = pageTimeUnit(results)): ChartSpec[] {
  return [percentileChart(runPercentileRows(results)), trafficChart(results, unit), systemChart(results, unit)].filter((c): c is ChartSpec => c !== undefined);
}

/** Two runs overlaid: colour is the run, dash the phase. */
export function comparisonPercentileChart(a: RunResults, b: RunResults): ChartSpec | undefined {
  const tag = (run: string) => (row: PercentileRow) => ({ ...row, run, phase: row.series, series: `${run}: ${row.series}` });
  const rows = [...runPercentileRows(a).map(tag('A')), ...runPercentileRows(b).map(tag('B'))];
  if (rows.length === 0) return undefined;
  const chart = percentileChart(rows, { id: 'compare-percentiles', title: 'Latency by percentile, A against B', colorTitle: 'run', dashField: 'phase' });
  if (!chart) return undefined;
  const spec = chart.spec as { encoding: Record<string, unknown> };
  spec.encoding.color = { field: 'run', type: 'nominal', title: 'run', scale: { domain: ['A', 'B'], range: RUN_COLORS } };
  return { ...chart, caption: `${chart.caption} Colour is the run (A navy, B magenta), dash the phase.` };
}

