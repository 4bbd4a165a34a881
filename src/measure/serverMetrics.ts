// The server's own view of a phase, from two scrapes of its Prometheus /metrics: where time went
// (queue vs compute), how big the batches were, and what it answered. External servers may not
// expose /metrics at all: that is a null scrape, not an error.
import { parsePrometheusText, type PromExposition, type PromSample } from './prometheusText.ts';

export interface ScrapeOptions {
  timeoutMs?: number;
  /** Keep only these sample names (see parsePrometheusText). */
  only?: ReadonlySet<string>;
}

/**
 * One scrape; null when the server has no metrics endpoint (non-200, connection refused,
 * timeout). A 200 answer that is not the text format throws SB_ERR_METRICS_PARSE.
 */
export async function scrapeMetrics(url: string, options: ScrapeOptions = {}): Promise<PromExposition | null> {
  let text: string;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 2_000) });
    if (res.status !== 200) {
      await res.body?.cancel();
      return null;
    }
    text = await res.text();
  } catch {
    return null;
  }
  return parsePrometheusText(text, options.only ? { only: options.only } : {});
}

/** Samples of one series name whose labels include every label in `filter`. */
export function selectSamples(exposition: PromExposition, name: string, filter: Record<string, string> = {}): PromSample[] {
  return exposition.samples.filter((s) => s.name === name && Object.entries(filter).every(([k, v]) => s.labels[k] === v));
}

/** Sum over the matching series; undefined when none exists. */
export function sumOf(exposition: PromExposition, name: string, filter: Record<string, string> = {}): number | undefined {
  const samples = selectSamples(exposition, name, filter);
  return samples.length === 0 ? undefined : samples.reduce((sum, s) => sum + s.value, 0);
}

/**
 * Increase of a counter-like series between two scrapes, per series then summed. A series lower
 * after than before was reset (server restarted): its increase is its new value, as Prometheus'
 * increase() counts it. Series absent before count from zero.
 */
export function increase(before: PromExposition, after: PromExposition, name: string, filter: Record<string, string> = {}): number | undefined {
  const afterSamples = selectSamples(after, name, filter);
  if (afterSamples.length === 0) return undefined;
  const previous = new Map(selectSamples(before, name, filter).map((s) => [seriesKey(s.labels), s.value]));
  let total = 0;
  for (const sample of afterSamples) {
    const was = previous.get(seriesKey(sample.labels)) ?? 0;
    total += sample.value >= was ? sample.value - was : sample.value;
  }
  return total;
}

function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Mean of a histogram's observations between two scrapes (Δsum / Δcount); undefined without any. */
export function histogramMean(before: PromExposition, after: PromExposition, name: string, filter: Record<string, string> = {}): number | undefined {
  const count = increase(before, after, `${name}_count`, filter);
  const sum = increase(before, after, `${name}_sum`, filter);
  if (count === undefined || sum === undefined || count <= 0) return undefined;
  return sum / count;
}

export interface ServerMemory {
  rss_bytes?: number;
  heap_used_bytes?: number;
  external_bytes?: number;
}

/** The samples serverMemory reads: what a scrape every sampling interval needs to parse. */
export const SERVER_MEMORY_SAMPLES: ReadonlySet<string> = new Set(['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_external_memory_bytes']);

/** The process metrics prom-client (and most Node exporters) expose; fields absent when not. */
export function serverMemory(exposition: PromExposition): ServerMemory {
  const memory: ServerMemory = {};
  const rss = sumOf(exposition, 'process_resident_memory_bytes');
  const heap = sumOf(exposition, 'nodejs_heap_size_used_bytes');
  const external = sumOf(exposition, 'nodejs_external_memory_bytes');
  if (rss !== undefined) memory.rss_bytes = rss;
  if (heap !== undefined) memory.heap_used_bytes = heap;
  if (external !== undefined) memory.external_bytes = external;
  return memory;
}
