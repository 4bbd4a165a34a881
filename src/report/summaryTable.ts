// The short table a finished run prints: one row per phase, then verdicts and thresholds.
import type { RunResults } from './results.ts';

const ms = (us: number) => (us >= 100_000 ? `${(us / 1000).toFixed(0)}ms` : us >= 1000 ? `${(us / 1000).toFixed(1)}ms` : `${us.toFixed(0)}µs`);

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

export function formatSummary(results: RunResults): string {
  const header = ['phase', 'load', 'requests', 'ok', 'errors', 'rps', 'p50', 'p90', 'p99', 'max'];
  const rows = results.phases.map((p) => [
    p.counted ? p.name : `${p.name} (not counted)`,
    p.load.mode === 'open' ? `${p.load.rate}/s` : `${p.load.connections} conn`,
    String(p.requests.sent),
    String(p.requests.ok),
    String(p.requests.completed - p.requests.ok),
    p.throughput_rps.toFixed(0),
    ms(p.latency_us.p50),
    ms(p.latency_us.p90),
    ms(p.latency_us.p99),
    ms(p.latency_us.max),
  ]);
  const lines = [`servebench: ${results.scenario.name} against ${results.target.url} (${results.target.model})`, '', table([header, ...rows])];
  if (results.verdicts.length > 0) {
    lines.push('', 'verdicts:');
    for (const v of results.verdicts) lines.push(`  ${v.passed ? 'PASS' : 'FAIL'} ${v.kind}: ${v.summary}`);
  }
  if (results.thresholds.length > 0) {
    lines.push('', 'thresholds:');
    for (const t of results.thresholds) lines.push(`  ${t.passed ? 'PASS' : 'FAIL'} [${t.scope}] ${t.message}`);
  }
  for (const w of results.warnings) lines.push('', `WARNING: ${w}`);
  for (const n of results.notes ?? []) lines.push(`note: ${n}`);
  const outcome = results.exit_code === 0 ? 'all passed' : results.exit_code === 1 ? 'FAILED (see above)' : `could not run: ${results.error}`;
  lines.push('', `result: ${outcome}`);
  return lines.join('\n');
}
