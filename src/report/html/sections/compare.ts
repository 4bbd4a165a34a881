// Two runs side by side: first what makes them not comparable (different scenarios, models, loads),
// then each phase's numbers with the change from A to B, coloured by direction (lower latency and
// errors are better, higher throughput is better). Phase by phase: an average over a closed and an
// open phase describes neither.
import { accountOf } from '../../accounting.ts';
import type { PhaseResult, RunResults } from '../../../contract/results.ts';
import { html, type Html } from '../escape.ts';
import { delta, loadLabel, rate, share } from '../format.ts';
import { overallWord } from './verdict.ts';
import { latencyText } from '../../../format/units.ts';

/** Which direction is an improvement; `none` for counts that are neither (requests sent). */
type Better = 'lower' | 'higher' | 'none';

interface Metric {
  name: string;
  a: number;
  b: number;
  show: (n: number) => string;
  better: Better;
}

const loadOf = (p: PhaseResult) => loadLabel(p.load);

/** Phases of A that B has too (by name), with B's. */
export function matchedPhases(a: RunResults, b: RunResults): [PhaseResult, PhaseResult][] {
  return a.phases.flatMap((pa) => {
    const pb = b.phases.find((q) => q.name === pa.name);
    return pb ? [[pa, pb] as [PhaseResult, PhaseResult]] : [];
  });
}

/** What makes A and B measure different things: said at the top, before any number. Pure. */
export function comparisonWarnings(a: RunResults, b: RunResults): string[] {
  const out: string[] = [];
  if (a.scenario.name !== b.scenario.name) out.push(`Different scenarios: A ran "${a.scenario.name}", B ran "${b.scenario.name}". Their numbers measure different things.`);
  if (a.target.model !== b.target.model) out.push(`Different models: A measured ${a.target.model}, B measured ${b.target.model}.`);
  else if ((a.target.version ?? '') !== (b.target.version ?? '')) out.push(`Different model versions: A ${a.target.version ?? 'default'}, B ${b.target.version ?? 'default'}.`);
  const matched = matchedPhases(a, b);
  if (matched.length === 0) out.push('The two runs have no phase names in common: there is nothing to compare phase by phase.');
  for (const [pa, pb] of matched) {
    if (pa.kind !== pb.kind || loadOf(pa) !== loadOf(pb)) out.push(`Phase ${pa.name} ran differently: A ${pa.kind} at ${loadOf(pa)}, B ${pb.kind} at ${loadOf(pb)}.`);
  }
  return out;
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
  const lat = (name: string, key: keyof RunResults['totals']['latency_us']): Metric => ({ name, a: ta.latency_us[key], b: tb.latency_us[key], show: latencyText, better: 'lower' });
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
  const { word, tone } = overallWord(r);
  const status = html`<span class="badge ${tone === 'error' ? 'fail' : tone}">${word}</span>`;
  return html`<tr><td><strong>${label}</strong></td><td>${status}</td><td><code>${r.run_id}</code></td><td>${r.scenario.name}</td><td>${r.target.model}</td><td>${r.started_at}</td><td><code>${(r.environment.git_commit ?? 'unknown').slice(0, 12)}</code></td><td>${r.environment.hostname}</td></tr>`;
}

const notOk = (p: PhaseResult) => {
  const a = accountOf(p.requests.outcomes);
  return a.requests > 0 ? 1 - a.ok / a.requests : 0;
};

/** One sentence per counted phase both runs have: its p99, throughput and failures from A to B. */
function phaseChanges(a: RunResults, b: RunResults): Html {
  const counted = matchedPhases(a, b).filter(([pa]) => pa.counted);
  if (counted.length === 0) return html`<p>No counted phase in common: compare the runs' own tables below.</p>`;
  return html`${counted.map(([pa, pb]) => html`<p data-phase="${pa.name}">Phase <strong>${pa.name}</strong>, from A to B: p99 ${delta(pa.latency_us.p99, pb.latency_us.p99)} (${latencyText(pa.latency_us.p99)} → ${latencyText(pb.latency_us.p99)}), throughput ${delta(pa.throughput_rps, pb.throughput_rps)} (${rate(pa.throughput_rps)} → ${rate(pb.throughput_rps)}), not ok ${share(notOk(pa), 2)} → ${share(notOk(pb), 2)}.</p>\n`)}`;
}

export function comparisonVerdict(a: RunResults, b: RunResults): Html {
  const warnings = comparisonWarnings(a, b);
  return html`${warnings.length > 0 ? html`<div class="callout bad comparison-warnings"><p><strong>These runs are not like for like.</strong></p><ul class="warnings">${warnings.map((w) => html`<li>${w}</li>`)}</ul></div>` : ''}
<table><thead><tr><th>run</th><th>result</th><th>id</th><th>scenario</th><th>model</th><th>started</th><th>commit</th><th>host</th></tr></thead><tbody>${runLine('A', a)}${runLine('B', b)}</tbody></table>
<div class="callout">${phaseChanges(a, b)}
<p class="muted">One run each: differences within a few percent may be noise (servebench gate repeats runs to tell). Changes beyond a factor of ten are given as a ratio (×).</p></div>
<h3>Every counted phase together</h3>
<p class="muted">Pooled over all counted phases of each run: when a run mixes closed and open, or steady and fault phases, these describe none of them; read the phases.</p>
${metricsTable(keyMetrics(a, b))}`;
}

/** Phases present in both runs (by name), compared on throughput and p99. */
export function phaseComparison(a: RunResults, b: RunResults): Html {
  const matched = matchedPhases(a, b);
  if (matched.length === 0) return html`<p class="muted">The two runs have no phase names in common.</p>`;
  return html`${matched.map(([pa, pb]) => html`<h3>Phase ${pa.name}${pa.counted ? '' : ' (not counted)'}</h3>${metricsTable([
    { name: 'throughput', a: pa.throughput_rps, b: pb.throughput_rps, show: rate, better: 'higher' },
    { name: 'not ok', a: notOk(pa), b: notOk(pb), show: (n) => share(n, 2), better: 'lower' },
    { name: 'p50', a: pa.latency_us.p50, b: pb.latency_us.p50, show: latencyText, better: 'lower' },
    { name: 'p99', a: pa.latency_us.p99, b: pb.latency_us.p99, show: latencyText, better: 'lower' },
    { name: 'max', a: pa.latency_us.max, b: pb.latency_us.max, show: latencyText, better: 'lower' },
  ])}`)}`;
}
