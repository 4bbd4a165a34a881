// The lines a finished (or rebuilt) soak prints under the usual run summary: the two trends, the
// projection to the memory limit, and the harness's own growth.
import type { RunResults } from '../contract/results.ts';
import { formatSize } from '../format/units.ts';

const fixed = (x: number | null | undefined): string => (typeof x !== 'number' || !Number.isFinite(x) ? 'n/a' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));

export function formatSoakSummary(results: RunResults): string {
  const soak = results.soak;
  if (!soak) return '';
  const held = `${fixed(soak.duration_s)}s of ${fixed(soak.planned_duration_s)}s at ${soak.rate}/s, ${soak.samples.length} samples every ${soak.interval_s}s, warm-up ${soak.warmup_s}s${soak.completed ? '' : ' (NOT completed)'}`;
  const lines = ['', `soak: ${held}`];
  lines.push(`  memory: ${soak.leak.verdict.toUpperCase()}: ${fixed(soak.leak.slope_per_hour)} MB/h (95% CI ${fixed(soak.leak.ci[0])} to ${fixed(soak.leak.ci[1])})`);
  if (soak.leak.limit_bytes !== undefined && Number.isFinite(soak.leak.slope_per_hour)) {
    const hours = soak.leak.projected_hours_to_limit;
    lines.push(`  projection: ${hours === undefined ? 'memory does not grow: never' : `${fixed(hours)} h`} to the ${formatSize(soak.leak.limit_bytes)} limit`);
  }
  lines.push(`    ${soak.leak.summary}`);
  const details = results.verdicts.find((v) => v.kind === 'leak')?.details as { heap_used?: { mb_per_hour: number }; external?: { mb_per_hour: number } } | undefined;
  if (details?.heap_used || details?.external) lines.push(`    V8 heap used ${fixed(details.heap_used?.mb_per_hour)} MB/h, external/array buffers ${fixed(details.external?.mb_per_hour)} MB/h`);
  lines.push(`  p99 drift: ${soak.drift.verdict.toUpperCase()}: ${soak.drift.summary}`);
  const first = soak.samples.find((s) => s.harness_rss_bytes !== undefined)?.harness_rss_bytes;
  const last = soak.samples.at(-1)?.harness_rss_bytes;
  if (soak.harness_rss_growth_bytes !== undefined) lines.push(`  harness RSS: ${first !== undefined ? formatSize(first) : '?'} -> ${last !== undefined ? formatSize(last) : '?'} (growth after the warm-up ${formatSize(soak.harness_rss_growth_bytes)})`);
  return lines.join('\n');
}
