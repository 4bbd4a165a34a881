// The first thing a reader sees: did the run pass, and why. Thresholds, fault verdicts, and the
// study's own answer (a sweep's recommendation, a soak's leak verdict), then warnings.
import type { RunResults, ThresholdResult, Verdict } from '../../results.ts';
import { html, type Html } from '../escape.ts';
import { latency, rate, share } from '../format.ts';
import { soakVerdict } from './soak.ts';
import { recommendationBlock } from './sweep.ts';

export const badge = (passed: boolean): Html => html`<span class="badge ${passed ? 'pass' : 'fail'}">${passed ? 'PASS' : 'FAIL'}</span>`;

function overall(results: RunResults): Html {
  const failedChecks = results.thresholds.filter((t) => !t.passed).length + results.verdicts.filter((v) => !v.passed).length;
  const checks = results.thresholds.length + results.verdicts.length;
  if (results.exit_code === 2) {
    return html`<div class="overall error"><span class="word">DID NOT COMPLETE</span><span>${results.error ?? 'the run could not be done'}</span></div>`;
  }
  const t = results.totals;
  const line = `${t.requests} requests, ${share(t.error_rate)} errors, ${rate(t.throughput_rps)}, p99 ${latency(t.latency_us.p99)} over the counted phases`;
  if (results.exit_code === 0) {
    return html`<div class="overall pass"><span class="word">PASS</span><span>${checks > 0 ? `all ${checks} checks passed` : 'no thresholds or verdicts to check'} · ${line}</span></div>`;
  }
  return html`<div class="overall fail"><span class="word">FAIL</span><span>${failedChecks} of ${checks} checks failed · ${line}</span></div>`;
}

function actual(t: ThresholdResult): string {
  if (t.actual === null) return '–';
  if (t.unit === 'us') return latency(t.actual);
  if (t.unit === 'ratio') return share(t.actual, 3);
  if (t.unit === 'rps') return rate(t.actual);
  return `${t.actual} ${t.unit}`;
}

export function thresholdsTable(thresholds: ThresholdResult[]): Html {
  if (thresholds.length === 0) return html`<p class="muted">No thresholds in this scenario.</p>`;
  return html`<table class="thresholds"><thead><tr><th></th><th>threshold</th><th>scope</th><th class="num">actual</th><th>result</th></tr></thead><tbody>
${thresholds.map((t) => html`<tr><td>${badge(t.passed)}</td><td><code>${t.expression}</code></td><td>${t.scope === '*' ? 'all counted phases' : t.scope}</td><td class="num">${actual(t)}</td><td>${t.message}</td></tr>\n`)}</tbody></table>`;
}

export function verdictsTable(verdicts: Verdict[]): Html {
  if (verdicts.length === 0) return html``;
  return html`<table class="verdicts"><thead><tr><th></th><th>check</th><th>what happened</th></tr></thead><tbody>
${verdicts.map((v) => html`<tr><td>${badge(v.passed)}</td><td>${v.kind}</td><td>${v.summary}<details><summary class="muted">numbers</summary><pre>${JSON.stringify(v.details, null, 2)}</pre></details></td></tr>\n`)}</tbody></table>`;
}

export function warningsList(results: RunResults): Html {
  return html`${results.warnings.length > 0 ? html`<h3>Warnings</h3><ul class="warnings">${results.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
${(results.notes ?? []).length > 0 ? html`<h3>Notes</h3><ul>${results.notes.map((n) => html`<li class="muted">${n}</li>`)}</ul>` : ''}`;
}

export function verdictSection(results: RunResults): Html {
  return html`${overall(results)}
${results.sweep ? recommendationBlock(results.sweep) : ''}
${results.soak ? soakVerdict(results.soak) : ''}
<h3>Thresholds</h3>
${thresholdsTable(results.thresholds)}
${results.verdicts.length > 0 ? html`<h3>Fault verdicts</h3>${verdictsTable(results.verdicts)}` : ''}
${warningsList(results)}`;
}
