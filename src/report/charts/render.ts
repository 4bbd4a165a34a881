// Draws a Vega-Lite spec as an SVG string at report time (vega's headless 'none' renderer: no
// canvas, no DOM, no network), so the page carries finished pictures and no script.
import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { ChartSpec } from './common.ts';

export interface RenderedChart {
  id: string;
  title: string;
  caption: string;
  /** The drawing; absent when it failed (error says why): one broken chart never costs the report. */
  svg?: string;
  error?: string;
  /** What Vega-Lite or Vega warned about while drawing: a sign of a spec bug (tests expect none). */
  warnings: string[];
}

type Logger = NonNullable<Parameters<typeof compile>[1]>['logger'] & object;

/** Keeps warnings with the chart instead of printing them on the user's terminal. */
function collectingLogger(into: string[]): Logger {
  let level = 2; // vega's Warn: errors and warnings, no info or debug
  const keep = (min: number) => (...args: unknown[]) => {
    if (level >= min) into.push(args.map(String).join(' '));
    return logger;
  };
  const logger: Logger = {
    level(next?: number) {
      if (next === undefined) return level;
      level = next;
      return logger;
    },
    error: keep(1),
    warn: keep(2),
    info: keep(3),
    debug: keep(4),
  } as Logger;
  return logger;
}

/**
 * Several SVGs share one HTML document, so vega's ids (clip paths, gradients) are prefixed per
 * chart: `clip3` in two charts would otherwise clip one chart with the other's rectangle.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}-${id})`)
    .replace(/\bhref="#([^"]+)"/g, (_, id: string) => `href="#${prefix}-${id}"`);
}

/** The SVG's outer tag gains an accessible role and label; its fixed size stays as the intrinsic size. */
function label(svg: string, title: string): string {
  const safe = title.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
  return svg.replace(/^<svg /, `<svg role="img" aria-label="${safe}" `);
}

export async function renderSvg(spec: ChartSpec['spec'], warnings: string[] = []): Promise<string> {
  const logger = collectingLogger(warnings);
  const { spec: vegaSpec } = compile(spec, { logger });
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none', logger });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function renderChart(chart: ChartSpec): Promise<RenderedChart> {
  const base = { id: chart.id, title: chart.title, caption: chart.caption, warnings: [] as string[] };
  try {
    return { ...base, svg: label(scopeSvgIds(await renderSvg(chart.spec, base.warnings), `chart-${chart.id}`), chart.title) };
  } catch (err) {
    return { ...base, error: (err as Error).message ?? String(err) };
  }
}

/** One at a time: vega's dataflow is synchronous work, parallel promises would not be faster. */
export async function renderCharts(charts: readonly ChartSpec[]): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const chart of charts) out.push(await renderChart(chart));
  return out;
}
