// Vega-Lite specs for the two long studies: a sweep (latency-throughput curves and capacity per
// configuration) and a soak (memory trend with its fitted slope, p99 over hours). Pure.
import type { SoakResults, SweepResults } from '../../contract/results.ts';
import { fixed } from '../html/format.ts';
import { CONFIG, GOOD_COLOR, HEIGHT, LIMIT_COLOR, SERIES_COLORS, WIDTH, timeUnitFor, type ChartSpec, type TimeUnit } from './common.ts';
import { capacityRows, curveRows, soakTrend, varyingKnobs } from './data.ts';

export function sweepCurveChart(sweep: SweepResults): ChartSpec | undefined {
  const rows = curveRows(sweep);
  if (rows.length === 0) return undefined;
  const sloMs = sweep.slo.p99_us / 1000;
  return {
    id: 'sweep-curves',
    title: 'Latency against throughput, per configuration',
    caption: `Each line is one configuration's capacity search: p99 at each throughput reached. Filled points met the SLO (p99 ≤ ${sloMs} ms, error rate ≤ ${(sweep.slo.error_rate * 100).toFixed(2)}%); the dashed line is the p99 budget.`,
    spec: {
      config: CONFIG,
      width: WIDTH,
      height: HEIGHT * 1.3,
      layer: [
        {
          data: { values: rows },
          mark: { type: 'line', point: false, strokeWidth: 1.8 },
          encoding: {
            x: { field: 'throughput_rps', type: 'quantitative', title: 'throughput (requests / s)', scale: { zero: false } },
            y: { field: 'p99_ms', type: 'quantitative', title: 'p99 (ms, log scale)', scale: { type: 'log' } },
            color: { field: 'config', type: 'nominal', title: 'configuration' },
            order: { field: 'rate', type: 'quantitative' },
          },
        },
        {
          data: { values: rows },
          mark: { type: 'point', size: 45, strokeWidth: 1.5 },
          encoding: {
            x: { field: 'throughput_rps', type: 'quantitative' },
            y: { field: 'p99_ms', type: 'quantitative' },
            color: { field: 'config', type: 'nominal' },
            fill: { field: 'passed', type: 'nominal', title: 'met SLO', scale: { domain: [true, false], range: ['#6b7280', 'transparent'] }, legend: { symbolStrokeColor: '#6b7280', symbolStrokeWidth: 1.5 } },
          },
        },
        {
          data: { values: [{ slo: sloMs, label: `SLO p99 ${sloMs} ms` }] },
          layer: [
            { mark: { type: 'rule', color: LIMIT_COLOR, strokeDash: [6, 4] }, encoding: { y: { field: 'slo', type: 'quantitative' } } },
            { mark: { type: 'text', color: LIMIT_COLOR, align: 'left', baseline: 'bottom', x: 4, dy: -2, fontSize: 10 }, encoding: { y: { field: 'slo', type: 'quantitative' }, text: { field: 'label' } } },
          ],
        },
      ],
    },
  };
}

export function capacityChart(sweep: SweepResults): ChartSpec | undefined {
  const rows = capacityRows(sweep);
  if (rows.length === 0) return undefined;
  const defaults = sweep.default_capacity_rps;
  // Each layer names its y: the default-config rule has its own data and no configuration.
  const configAxis = { field: 'config', type: 'nominal' as const, title: null, sort: { field: 'capacity_rps', op: 'max' as const, order: 'descending' as const }, axis: { labelLimit: 260 } };
  return {
    id: 'sweep-capacity',
    title: 'Capacity per configuration',
    caption: `Highest rate meeting the SLO, per configuration; green is the recommendation${rows.some((r) => r.low !== undefined) ? ', whiskers the range over repeats' : ''}${defaults !== undefined ? ', the dashed line the default configuration' : ''}.`,
    spec: {
      config: CONFIG,
      width: WIDTH - 140,
      height: { step: 22 },
      data: { values: rows },
      layer: [
        {
          mark: { type: 'bar', cornerRadiusEnd: 2 },
          encoding: {
            y: configAxis,
            x: { field: 'capacity_rps', type: 'quantitative', title: 'capacity (requests / s)' },
            color: { field: 'recommended', type: 'nominal', title: 'recommended', scale: { domain: [true, false], range: [GOOD_COLOR, '#9ca3af'] } },
          },
        },
        { mark: { type: 'rule', color: '#374151' }, encoding: { y: configAxis, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
        { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#374151' }, encoding: { y: configAxis, x: { field: 'capacity_rps', type: 'quantitative' }, text: { field: 'capacity_rps', type: 'quantitative', format: '.0f' } } },
        ...(defaults !== undefined
          ? [{ data: { values: [{ d: defaults }] }, mark: { type: 'rule' as const, strokeDash: [6, 4], color: '#6b7280' }, encoding: { x: { field: 'd', type: 'quantitative' as const } } }]
          : []),
      ],
    },
  };
}

/** Two swept knobs: capacity as a heatmap over them (the grid shows the interaction at a glance). */
export function capacityHeatmap(sweep: SweepResults): ChartSpec | undefined {
  const knobs = varyingKnobs(sweep);
  const rows = capacityRows(sweep).filter((r) => r.a !== undefined && r.b !== undefined);
  if (knobs.length !== 2 || rows.length < 2) return undefined;
  const capacities = rows.map((r) => r.capacity_rps);
  // Labels turn white on the darker half of the blues.
  const darkAbove = (Math.min(...capacities) + Math.max(...capacities)) / 2;
  return {
    id: 'sweep-heatmap',
    title: `Capacity over ${knobs[0]} × ${knobs[1]}`,
    caption: 'Each cell is one configuration; darker is more capacity (requests/s meeting the SLO); the green outline is the recommendation.',
    spec: {
      config: CONFIG,
      width: { step: 70 },
      height: { step: 36 },
      data: { values: rows },
      encoding: {
        x: { field: 'a', type: 'ordinal', title: knobs[0], sort: { field: 'aOrder', op: 'min' } },
        y: { field: 'b', type: 'ordinal', title: knobs[1], sort: { field: 'bOrder', op: 'min' } },
      },
      layer: [
        { mark: { type: 'rect', stroke: 'white' }, encoding: { color: { field: 'capacity_rps', type: 'quantitative', title: 'capacity (rps)', scale: { scheme: 'blues' } } } },
        // The recommendation gets an outline, not a colour: the colour already means capacity.
        { transform: [{ filter: 'datum.recommended' }], mark: { type: 'rect', fill: null, stroke: GOOD_COLOR, strokeWidth: 3 } },
        { mark: { type: 'text', fontSize: 11 }, encoding: { text: { field: 'capacity_rps', type: 'quantitative', format: '.0f' }, color: { condition: { test: `datum.capacity_rps > ${darkAbove}`, value: 'white' }, value: '#111827' } } },
      ],
    },
  };
}

/** The soak's clock (hours in its data) in the page's time unit, as field `t`. */
const soakTime = (unit: TimeUnit) => [{ calculate: `datum.hours * ${3600 / unit.seconds}`, as: 't' }];
const soakAxis = (unit: TimeUnit) => ({ field: 't', type: 'quantitative' as const, title: `${unit.name} since the start` });

export function soakMemoryChart(soak: SoakResults, unit: TimeUnit = timeUnitFor(soak.duration_s)): ChartSpec | undefined {
  const trend = soakTrend(soak);
  if (trend.points.length === 0) return undefined;
  const slope = soak.leak.slope_per_hour;
  const rss = SERIES_COLORS['server RSS'];
  return {
    id: 'soak-memory',
    title: 'Memory over the soak, with its fitted trend',
    caption: `Server RSS per sampling interval (MB = 10⁶ bytes). ${trend.fit.length === 2 ? 'The dark dashed line is the Theil–Sen fit after the warm-up' : 'No trend line: too few points after the warm-up to fit one'} (${fixed(slope, 2)} MB/hour, verdict: ${soak.leak.verdict})${trend.limitMb !== undefined ? '; the dark red rule is the memory limit' : soak.leak.limit_bytes !== undefined ? `; the limit (${(soak.leak.limit_bytes / 1e6).toFixed(0)} MB) is off the top` : ''}.`,
    spec: {
      config: CONFIG,
      width: WIDTH,
      height: HEIGHT * 1.2,
      layer: [
        {
          data: { values: trend.points },
          transform: soakTime(unit),
          mark: { type: 'line', strokeWidth: 1.2, color: rss, point: { size: 14, color: rss } },
          encoding: {
            x: soakAxis(unit),
            y: { field: 'mb', type: 'quantitative', title: 'server RSS (MB)', scale: { zero: false } },
          },
        },
        ...(trend.fit.length === 2
          ? [{ data: { values: trend.fit }, transform: soakTime(unit), mark: { type: 'line' as const, strokeDash: [8, 4], strokeWidth: 2.5, color: '#111827' }, encoding: { x: { field: 't', type: 'quantitative' as const }, y: { field: 'mb', type: 'quantitative' as const } } }]
          : []),
        ...(trend.limitMb !== undefined
          ? [{ data: { values: [{ limit: trend.limitMb }] }, mark: { type: 'rule' as const, color: LIMIT_COLOR }, encoding: { y: { field: 'limit', type: 'quantitative' as const } } }]
          : []),
      ],
    },
  };
}

export function soakLatencyChart(soak: SoakResults, unit: TimeUnit = timeUnitFor(soak.duration_s)): ChartSpec | undefined {
  const { p99 } = soakTrend(soak);
  if (p99.length === 0) return undefined;
  return {
    id: 'soak-p99',
    title: 'p99 over the soak',
    caption: `Each interval's p99. Drift: ${fixed(soak.drift.slope_per_hour, 2)} %/hour (${soak.drift.verdict}).`,
    spec: {
      config: CONFIG,
      width: WIDTH,
      height: HEIGHT * 0.8,
      data: { values: p99 },
      transform: soakTime(unit),
      mark: { type: 'line', strokeWidth: 1.5, color: SERIES_COLORS.p99 },
      encoding: { x: soakAxis(unit), y: { field: 'p99_ms', type: 'quantitative', title: 'p99 (ms)' } },
    },
  };
}

export function sweepCharts(sweep: SweepResults): ChartSpec[] {
  return [sweepCurveChart(sweep), capacityChart(sweep), capacityHeatmap(sweep)].filter((c): c is ChartSpec => c !== undefined);
}

export function soakCharts(soak: SoakResults, unit: TimeUnit = timeUnitFor(soak.duration_s)): ChartSpec[] {
  return [soakMemoryChart(soak, unit), soakLatencyChart(soak, unit)].filter((c): c is ChartSpec => c !== undefined);
}
