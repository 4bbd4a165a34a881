// The first thing a reader sees: did the run pass, and why. Thresholds, fault verdicts, and the
// study's own answer (a sweep's recommendation, a soak's leak verdict), then warnings.
import { accountOf } from '../../accounting.ts';
import type { PhaseResult, RunResults, ThresholdResult, Verdict } from '../../../contract/results.ts';
import { html, type Html } from '../escape.ts';
import { loadLabel, rate, share } from '../format.ts';
import { soakVerdict } from './soak.ts';
import { recommendationBlock } from './sweep.ts';
import { latencyText } from '../../../format/units.ts';

export const badge = (passed: boolean): Html => html`<span class="badge ${passed ? 'pass' : 'fail'}">${passed ? 'PASS' : 'FAIL'}</span>`;

/** PASS only when something was judged: a run with no thresholds and no verdicts just ran. */
export function overallWord(results: Pick<RunResults, 'exit_code' | 'thresholds' | 'verdicts'>): { word: string; tone: 'pass' | 'fail' | 'error' | 'none' } {
  if (results.exit_code === 2) return { word: 'DID NOT COMPLETE', tone: 'error' };
  if (results.exit_code === 1) return { word: 'FAIL', tone: 'fail' };
  return results.thresholds.length + results.verdicts.length === 0 ? { word: 'NO THRESHOLDS SET', tone: 'none' } : { word: 'PASS', tone: 'pass' };
}

function overall(results: RunResults): Html {
  const { word, tone } = overallWord(results);
  if (tone === 'error') return html`<div class="overall error"><span class="word">${word}</span><span>${results.error ?? 'the run could not be done'}</span></div>`;
  const failedChecks = results.thresholds.filter((t) => !t.passed).length + results.verdicts.filter((v) => !v.passed).length;
  const checks = results.thresholds.length + results.verdicts.length;
  const unjudged = results.thresholds.length === 0 ? ' · no thresholds set: latency and errors were not judged' : '';
  const line = tone === 'none' ? 'nothing was judged: set thresholds in the scenario to get a pass or a fail'
    : tone === 'pass' ? `all ${checks} checks passed${unjudged}` : `${failedChecks} of ${checks} checks failed${unjudged}`;
  return html`<div class="overall ${tone}"><span class="word">${word}</span><span>${line}</span></div>
${phaseHeadline(results.phases)}`;
}

/**
 * The headline numbers, one row per counted phase: its own rate and p99. A run-wide average over a
 * closed and an open phase (or a steady and a fault phase) describes neither, so there is none here.
 */
export function phaseHeadline(phases: PhaseResult[]): Html {
  const counted = phases.filter((p) => p.counted);
  if (counted.length === 0) return html``;
  return html`<table class="headline"><thead><tr><th>phase</th><th>load</th><th class="num">throughput</th><th class="num">p50</th><th class="num">p99</th><th class="num">requests</th><th class="num">not ok</th></tr></thead><tbody>
${counted.map((p) => {
    const a = accountOf(p.requests.outcomes);
    const notOk = a.requests - a.ok;
    return html`<tr data-phase="${p.name}"><td><strong>${p.name}</strong> <span class="muted">${p.kind}</span></td><td>${loadLabel(p.load)}</td><td class="num">${rate(p.throughput_rps)}</td><td class="num">${latencyText(p.latency_us.p50)}</td><td class="num">${latencyText(p.latency_us.p99)}</td><td class="num">${a.requests}</td><td class="num${notOk > 0 ? ' worse' : ''}">${notOk > 0 ? `${notOk} (${share(notOk / a.requests, 2)})` : '0'}</td></tr>\n`;
  })}</tbody></table>`;
}

function actual(t: ThresholdResult): string {
  if (t.actual === null) return '–';
  if (t.unit === 'us') return latencyText(t.actual);
  if (t.unit === 'ratio') return share(t.actual, 3);
  if (t.unit === 'rps') return rate(t.actual);
  return `${t.actual} ${t.unit}`;
}

export function thresholdsTable(thresholds: ThresholdResult[]): Html {
  if (thresholds.length === 0) return html`<p class="muted">No thresholds set in this scenario: nothing judged latency or errors.</p>`;
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
