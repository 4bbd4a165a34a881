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
  // Open-ended categories (phases, configurations, runs): darker tones that no fixed series uses.
  range: { category: CATEGORY_COLORS() },
};

export const OK_COLOR = '#4c78a8';
export const ERROR_COLOR = '#e45756';
export const GOOD_COLOR = '#54a24b';
/** Limits drawn over data (an SLO, a memory limit): not the colour of any series. */
export const LIMIT_COLOR = '#7c2d12';

/** The two runs of a comparison: the first two category colours, apart from every named series. */
export const RUN_COLORS = CATEGORY_COLORS().slice(0, 2);

function CATEGORY_COLORS(): string[] {
  return ['#1f3a93', '#c51b7d', '#1b7837', '#762a83', '#b35806', '#01665e', '#8c510a', '#4d4d4d'];
}

/**
 * One colour per named series, the same in every chart of a page: the server is orange whether the
 * panel shows its CPU or its memory, p99 is purple in the traffic chart and in the soak's.
 */
export const SERIES_COLORS: Record<string, string> = {
  ok: OK_COLOR,
  errors: ERROR_COLOR,
  p50: '#72b7b2',
  p99: '#b279a2',
  server: '#f58518',
  'server RSS': '#f58518',
  'server heap': '#eeca3b',
  'load generator': '#9d755d',
  'load generator RSS': '#9d755d',
  machine: '#7f7f7f',
};
/** GPU series (`GPU 0 utilisation %`...) by their kind: not a colour any other series has. */
const GPU_COLORS: [RegExp, string][] = [[/utilisation/, '#bcbd22'], [/memory/, '#8c6d31']];

export function seriesColor(series: string): string | undefined {
  return SERIES_COLORS[series] ?? GPU_COLORS.find(([re]) => re.test(series))?.[1];
}

/** A colour scale for the series present, each in its page-wide colour. */
export function seriesScale(series: Iterable<string>): { domain: string[]; range: string[] } {
  const present = [...new Set(series)];
  return { domain: present, range: present.map((s) => seriesColor(s) ?? '#6b7280') };
}

/** The unit of every time axis on one page: chosen once from the longest span the page shows. */
export interface TimeUnit {
  name: 'seconds' | 'minutes' | 'hours';
  seconds: number;
}

export function timeUnitFor(spanSeconds: number): TimeUnit {
  if (spanSeconds > 3 * 3600) return { name: 'hours', seconds: 3600 };
  if (spanSeconds > 20 * 60) return { name: 'minutes', seconds: 60 };
  return { name: 'seconds', seconds: 1 };
}

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
  ['proxy-cut', '#0e7490'],
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
