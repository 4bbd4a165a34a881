// The closing note of `servebench tune` for a person: what to serve with, what it gives, why.
import type { RunResults } from '../contract/results.ts';
import type { RecommendationFile } from './recommend.ts';
import { describeConfig } from '../serving/config.ts';
import type { ServingConfig } from '../serving/knobs.ts';
import { latencyText, mibText, rpsText } from '../format/units.ts';


function describe(config: Record<string, number | number[]>): string {
  return describeConfig(config as unknown as ServingConfig);
}

export function formatTuneSummary(results: RunResults, rec: RecommendationFile | undefined, dir: string): string {
  const sweep = results.sweep!;
  const configs = new Set(sweep.trials.map((t) => JSON.stringify(t.config))).size;
  const lines = [`servebench tune: ${results.target.model}, ${sweep.strategy} search, ${sweep.trials.length} trials over ${configs} configurations`];
  if (!rec) {
    lines.push(results.error ? `no recommendation: ${results.error}` : 'no recommendation');
  } else if (rec.capacity_rps <= 0) {
    lines.push(`no configuration met ${rec.slo.expressions.join(', ')} at any rate tried: ${rec.reason}`);
  } else {
    const spread = rec.capacity_spread.runs.length > 1 ? ` (${Math.round(rec.capacity_spread.min)}-${rpsText(rec.capacity_spread.max)} over ${rec.capacity_spread.runs.length} runs)` : '';
    lines.push(`Recommended: ${describe(rec.config)}`);
    lines.push(rec.objective === 'min-p99'
      ? `  p99 ${latencyText(rec.p99_at_rate_us ?? 0)} at ${rpsText(rec.capacity_rps)}, within ${rec.slo.expressions.join(', ')}`
      : `  capacity ${rpsText(rec.capacity_rps)}${spread} at ${rec.slo.expressions.join(', ')}${rec.default_capacity_rps ? `; the default configuration: ${rpsText(rec.default_capacity_rps)} (${(rec.capacity_rps / Math.max(rec.default_capacity_rps, 1e-9)).toFixed(1)}x)` : ''}`);
    for (const a of rec.at_load) lines.push(`  at ${Math.round(a.share * 100)}% (${rpsText(a.rate)}): p50 ${latencyText(a.p50_us)}, p99 ${latencyText(a.p99_us)}`);
    if (rec.verification) lines.push(`  CAUTION: ${rec.verification}`);
    const usage = [rec.server_rss_bytes !== undefined ? `RSS ${mibText(rec.server_rss_bytes)}` : '', rec.server_cpu_percent !== undefined ? `CPU ${Math.round(rec.server_cpu_percent)}%${rec.server_main_thread_cpu_percent !== undefined ? ` (main thread ${Math.round(rec.server_main_thread_cpu_percent)}%)` : ''}` : ''].filter(Boolean);
    if (usage.length > 0) lines.push(`  server at capacity: ${usage.join(', ')}`);
    if (rec.runner_up) lines.push(`  runner-up: ${describe(rec.runner_up.config)} at ${rpsText(rec.runner_up.capacity_rps)}${rec.overlap ? ' (within noise of the recommended one)' : ''}`);
    lines.push('  why:', ...rec.why.map((w) => `    - ${w}`));
    if (rec.replicas) lines.push(`  ${rec.replicas.note}`);
  }
  for (const w of results.warnings.slice(0, 5)) lines.push(`WARNING: ${w}`);
  if (results.warnings.length > 5) lines.push(`(${results.warnings.length - 5} more warnings in results.json)`);
  lines.push(`servebench: wrote ${dir}`);
  return lines.join('\n');
}
