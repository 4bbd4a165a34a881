// What every chart shares: its description for the page, the look, and the pieces several
// charts reuse (the nines axis, phase bands, fault markers). Pure: specs are plain data.
import type { Config, TopLevelSpec } from 'vega-lite';
import type { PhaseBand } from './data.ts';

export type { TopLevelSpec };

export interface ChartSpec {
  /** Stable id, also the figure's DOM id (`chart-<id>`), so tests and links can find it. */
  id: string;
  title: string;
  /** One line under the chart: how to read it. */
  caption: string;
  spec: TopLevelSpec;
}

export const WIDTH = 680;
export const HEIGHT = 220;

/** Layout and type: system fonts only (the page loads nothing), legends wide enough for config labels. */
export const CONFIG: Config = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 500, gridColor: '#e6e8eb' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320, orient: 'right' },
  view: { stroke: '#d0d4d9' },
  range: { category: ['#4c78a8', '#f58518', '#54a24b', '#b279a2', '#72b7b2', '#eeca3b', '#9d755d', '#bab0ac', '#ff9da6', '#e45756'] },
};

export const OK_COLOR = '#4c78a8';
export const ERROR_COLOR = '#e45756';
export const GOOD_COLOR = '#54a24b';

/** Nines-axis ticks and their names (x = 1 / (1 - p)). */
export const NINES_TICKS = [1, 2, 10, 100, 1000, 10000];
export const NINES_LABELS =
  "datum.value == 1 ? 'p0' : datum.value == 2 ? 'p50' : datum.value == 10 ? 'p90' : datum.value == 100 ? 'p99' : datum.value == 1000 ? 'p99.9' : datum.value == 10000 ? 'p99.99' : ''";

export function ninesAxis(maxNines: number) {
  return {
    field: 'nines',
    type: 'quantitative' as const,
    title: 'percentile',
    scale: { type: 'log' as const, domain: [1, 10 ** maxNines], nice: false },
    axis: { values: NINES_TICKS.filter((v) => v <= 10 ** maxNines), labelExpr: NINES_LABELS, grid: true },
  };
}

/** Shaded background per phase with its name at the top: tells which phase a second belongs to. */
export function phaseBandLayers(bands: PhaseBand[], withLabels: boolean) {
  if (bands.length === 0) return [];
  const rects = {
    data: { values: bands },
    mark: { type: 'rect' as const, opacity: 0.5, clip: true },
    encoding: {
      x: { field: 'start', type: 'quantitative' as const },
      x2: { field: 'end' },
      fill: { field: 'shade', type: 'nominal' as const, scale: { range: ['#f3f4f6', '#e5e7eb'] }, legend: null },
    },
  };
  const labels = {
    data: { values: bands },
    mark: { type: 'text' as const, align: 'left' as const, baseline: 'top' as const, dx: 3, dy: 3, y: 0, fontSize: 10, color: '#6b7280', limit: 160 },
    encoding: { x: { field: 'start', type: 'quantitative' as const }, text: { field: 'phase' } },
  };
  return withLabels ? [rects, labels] : [rects];
}

/** The runner's marker kinds and their colours, apart from the ok/error series colours. */
const MARKER_KINDS: [string, string][] = [
  ['shutdown-sent', '#7c3aed'],
  ['server-exited', '#111827'],
  ['proxy-cut', '#d97706'],
  ['proxy-restored', '#16a34a'],
];

/** Fault markers (shutdown sent, proxy cut...) as vertical rules coloured by kind. */
export function markerLayer(markers: { t: number; kind: string; detail: string }[]) {
  if (markers.length === 0) return [];
  // Only the kinds present reach the legend; kinds this build does not know yet are drawn in grey.
  const present = new Set(markers.map((m) => m.kind));
  const kinds = [...present].map((kind): [string, string] => [kind, MARKER_KINDS.find(([k]) => k === kind)?.[1] ?? '#6b7280']);
  return [
    {
      data: { values: markers },
      mark: { type: 'rule' as const, strokeWidth: 1.5, strokeDash: [4, 3], clip: true },
      encoding: {
        x: { field: 't', type: 'quantitative' as const },
        stroke: { field: 'kind', type: 'nominal' as const, title: 'fault marker', scale: { domain: kinds.map(([k]) => k), range: kinds.map(([, c]) => c) } },
      },
    },
  ];
}
