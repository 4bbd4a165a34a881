// The short table a finished run prints: one row per phase, then verdicts and thresholds.
import { accountOf, shownColumns } from './accounting.ts';
import type { AgentsSummary, RunResults } from '../contract/results.ts';
import { latencyCell } from '../format/units.ts';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

/**
 * The run's outcome in one phrase. A run with nothing to judge says so rather than "all passed":
 * exit code 0 then only means it ran.
 */
export function resultPhrase(results: Pick<RunResults, 'exit_code' | 'error' | 'thresholds' | 'verdicts'>): string {
  if (results.exit_code === 2) return `could not run: ${results.error}`;
  if (results.exit_code === 1) return 'FAILED (see above)';
  if (results.thresholds.length === 0) return results.verdicts.length === 0 ? 'no thresholds set (nothing was judged)' : `all ${results.verdicts.length} verdicts passed; no thresholds set (latency and errors not judged)`;
  return 'all passed';
}

function agentLines(agents: AgentsSummary): string[] {
  const spread = agents.start_spread_ms === null ? 'no agent started' : `start spread ${agents.start_spread_ms.toFixed(1)} ms (bound ${agents.spread_bound_ms} ms)`;
  const rows = agents.agents.map((a) => [
    `agent ${a.index}`,
    a.status,
    String(a.requests),
    a.throughput_rps.toFixed(0),
    `${(a.error_rate * 100).toFixed(2)}%`,
    a.start_lag_ms === null ? '-' : `${a.start_lag_ms.toFixed(1)}ms`,
    a.clock?.offset_ms !== undefined ? `${a.clock.offset_ms}±${a.clock.uncertainty_ms}ms` : '-',
    a.saturated.length > 0 ? `SATURATED ${a.saturated.join(',')}` : a.drives.length > 0 ? `drives ${a.drives.join(',')}` : '',
  ]);
  return [`agents: ${agents.count}${agents.complete ? '' : ' (INCOMPLETE)'}, ${spread}`, table([['', 'status', 'requests', 'rps', 'errors', 'start lag', 'clock', ''], ...rows])];
}

export function formatSummary(results: RunResults): string {
  const accounts = results.phases.map((p) => accountOf(p.requests.outcomes));
  const columns = shownColumns(accounts);
  const header = ['phase', 'load', 'requests', ...columns, 'rps', 'p50', 'p90', 'p99', 'max'];
  const rows = results.phases.map((p, i) => [
    p.counted ? p.name : `${p.name} (not counted)`,
    p.load.mode === 'open' ? `${p.load.rate}/s` : `${p.load.connections} conn`,
    String(accounts[i].requests),
    ...columns.map((c) => String(accounts[i][c])),
    p.throughput_rps.toFixed(0),
    latencyCell(p.latency_us.p50),
    latencyCell(p.latency_us.p90),
    latencyCell(p.latency_us.p99),
    latencyCell(p.latency_us.max),
  ]);
  const lines = [`servebench: ${results.scenario.name} against ${results.target.url} (${results.target.model})`, '', table([header, ...rows])];
  if (results.phases.length > 0) lines.push(`(requests = ${columns.join(' + ')}; errors: HTTP error answers, cut: connection reset or closed mid-request, dropped: never sent, over the in-flight cap)`);
  if (results.verdicts.length > 0) {
    lines.push('', 'verdicts:');
    for (const v of results.verdicts) lines.push(`  ${v.passed ? 'PASS' : 'FAIL'} ${v.kind}: ${v.summary}`);
  }
  if (results.thresholds.length > 0) {
    lines.push('', 'thresholds:');
    for (const t of results.thresholds) lines.push(`  ${t.passed ? 'PASS' : 'FAIL'} [${t.scope}] ${t.message}`);
  } else if (results.exit_code !== 2) lines.push('', 'thresholds: none set');
  if (results.agents) lines.push('', ...agentLines(results.agents));
  for (const w of results.warnings) lines.push('', `WARNING: ${w}`);
  for (const n of results.notes ?? []) lines.push(`note: ${n}`);
  lines.push('', `result: ${resultPhrase(results)}`);
  return lines.join('\n');
}
