// Two runs side by side: their key numbers with the change from A to B, coloured by direction
// (lower latency and errors are better, higher throughput is better).
import type { RunResults } from '../../results.ts';
import { html, type Html } from '../escape.ts';
import { delta, latency, rate, share } from '../format.ts';

/** Which direction is an improvement; `none` for counts that are neither (requests sent). */
type Better = 'lower' | 'higher' | 'none';

interface Metric {
  name: string;
  a: number;
  b: number;
  show: (n: number) => string;
  better: Better;
}

function changeCell(m: Metric): Html {
  const text = delta(m.a, m.b);
  const improved = m.better === 'lower' ? m.b < m.a : m.b > m.a;
  const cls = m.better === 'none' || m.a === m.b || text === '–' ? '' : improved ? 'better' : 'worse';
  return html`<td class="num ${cls}">${text}</td>`;
}

function metricsTable(metrics: Metric[]): Html {
  return html`<table class="compare"><thead><tr><th></th><th class="num">A</th><th class="num">B</th><th class="num">B vs A</th></tr></thead><tbody>
${metrics.map((m) => html`<tr><td>${m.name}</td><td class="num">${m.show(m.a)}</td><td class="num">${m.show(m.b)}</td>${changeCell(m)}</tr>\n`)}</tbody></table>`;
}

function keyMetrics(a: RunResults, b: RunResults): Metric[] {
  const ta = a.totals;
  const tb = b.totals;
  const lat = (name: string, key: keyof RunResults['totals']['latency_us']): Metric => ({ name, a: ta.latency_us[key], b: tb.latency_us[key], show: latency, better: 'lower' });
  return [
    { name: 'throughput', a: ta.throughput_rps, b: tb.throughput_rps, show: rate, better: 'higher' },
    { name: 'error rate', a: ta.error_rate, b: tb.error_rate, show: (n) => share(n, 3), better: 'lower' },
    { name: 'requests', a: ta.requests, b: tb.requests, show: String, better: 'none' },
    lat('p50', 'p50'),
    lat('p90', 'p90'),
    lat('p99', 'p99'),
    lat('p99.9', 'p999'),
    lat('max', 'max'),
  ];
}

function runLine(label: string, r: RunResults): Html {
  const status = r.exit_code === 0 ? html`<span class="badge pass">PASS</span>` : r.exit_code === 1 ? html`<span class="badge fail">FAIL</span>` : html`<span class="badge fail">DID NOT COMPLETE</span>`;
  return html`<tr><td><strong>${label}</strong></td><td>${status}</td><td><code>${r.run_id}</code></td><td>${r.scenario.name}</td><td>${r.started_at}</td><td><code>${(r.environment.git_commit ?? 'unknown').slice(0, 12)}</code></td><td>${r.environment.hostname}</td></tr>`;
}

export function comparisonVerdict(a: RunResults, b: RunResults): Html {
  const p99 = delta(a.totals.latency_us.p99, b.totals.latency_us.p99);
  const thr = delta(a.totals.throughput_rps, b.totals.throughput_rps);
  return html`<table><thead><tr><th>run</th><th>result</th><th>id</th><th>scenario</th><th>started</th><th>commit</th><th>host</th></tr></thead><tbody>${runLine('A', a)}${runLine('B', b)}</tbody></table>
<div class="callout"><p>From A to B: p99 ${p99} (${latency(a.totals.latency_us.p99)} → ${latency(b.totals.latency_us.p99)}), throughput ${thr} (${rate(a.totals.throughput_rps)} → ${rate(b.totals.throughput_rps)}), error rate ${share(a.totals.error_rate, 3)} → ${share(b.totals.error_rate, 3)}.</p>
<p class="muted">One run each: differences within a few percent may be noise (servebench gate repeats runs to tell).</p></div>
<h3>Key numbers over the counted phases</h3>
${metricsTable(keyMetrics(a, b))}`;
}

/** Phases present in both runs (by name), compared on throughput and p99. */
export function phaseComparison(a: RunResults, b: RunResults): Html {
  const matched = a.phases.filter((p) => b.phases.some((q) => q.name === p.name));
  if (matched.length === 0) return html`<p class="muted">The two runs have no phase names in common.</p>`;
  return html`${matched.map((pa) => {
    const pb = b.phases.find((q) => q.name === pa.name)!;
    return html`<h3>Phase ${pa.name}${pa.counted ? '' : ' (not counted)'}</h3>${metricsTable([
      { name: 'throughput', a: pa.throughput_rps, b: pb.throughput_rps, show: rate, better: 'higher' },
      { name: 'p50', a: pa.latency_us.p50, b: pb.latency_us.p50, show: latency, better: 'lower' },
      { name: 'p99', a: pa.latency_us.p99, b: pb.latency_us.p99, show: latency, better: 'lower' },
      { name: 'max', a: pa.latency_us.max, b: pb.latency_us.max, show: latency, better: 'lower' },
    ])}`;
  })}`;
}
