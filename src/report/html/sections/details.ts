// The numbers behind the verdict: one row per phase, and the charts as drawn SVG figures.
import type { RenderedChart } from '../../charts/render.ts';
import { ACCOUNT_MEANING, accountOf, shownColumns } from '../../accounting.ts';
import type { PhaseResult } from '../../../contract/results.ts';
import { html, raw, type Html } from '../escape.ts';
import { loadLabel, rate, seconds, share } from '../format.ts';
import { badge } from './verdict.ts';
import { latencyText } from '../../../format/units.ts';

/** The server's own numbers, named as its metrics name them, with what it does not expose on hover. */
function serverSide(s: NonNullable<PhaseResult['server']>): Html | string {
  const parts = [
    s.request_mean_us !== undefined ? `request ${latencyText(s.request_mean_us)}` : '',
    s.queue_mean_us !== undefined ? `queue ${latencyText(s.queue_mean_us)}` : '',
    s.compute_mean_us !== undefined ? `compute ${latencyText(s.compute_mean_us)}` : '',
    s.batch_size_mean !== undefined ? `batch ${s.batch_size_mean.toFixed(1)}` : '',
  ].filter(Boolean).join(', ');
  if (parts === '') return '';
  const source = s.source && s.source !== 'servebench' ? `${s.source}: ` : '';
  return s.missing?.length ? html`<span title="not exposed by this server: ${s.missing.join('; ')}">${source}${parts}</span>` : `${source}${parts}`;
}

export function phaseTable(phases: PhaseResult[]): Html {
  if (phases.length === 0) return html`<p class="muted">No phases were measured.</p>`;
  const accounts = phases.map((p) => accountOf(p.requests.outcomes));
  const columns = shownColumns(accounts);
  const head = (c: keyof typeof ACCOUNT_MEANING) => html`<th class="num" title="${ACCOUNT_MEANING[c]}">${c.replace('_', ' ')}</th>`;
  return html`<table class="phases"><thead><tr><th>phase</th><th>kind</th><th>load</th><th class="num">time</th>${head('requests')}${columns.map(head)}<th class="num">rps</th><th class="num">p50</th><th class="num">p90</th><th class="num">p99</th><th class="num">p99.9</th><th class="num">max</th><th>server side</th><th>verdict</th></tr></thead><tbody>
${phases.map((p, i) => {
    const a = accounts[i];
    // HTTP error answers by status on hover: which 4xx/5xx.
    const statuses = Object.entries(p.requests.outcomes).filter(([k, n]) => k.startsWith('status_') && n > 0).map(([k, n]) => `${k}: ${n}`).join(', ');
    const server = p.server ? serverSide(p.server) : '';
    return html`<tr><td>${p.name}${p.counted ? '' : html` <span class="muted">(not counted)</span>`}</td><td>${p.kind}</td><td>${loadLabel(p.load)}</td><td class="num">${seconds(p.duration_s)}</td><td class="num">${a.requests}</td>${columns.map((c) => html`<td class="num"${c === 'errors' && statuses ? html` title="${statuses}"` : ''}>${a[c]}${c !== 'ok' && a[c] > 0 && a.requests > 0 ? html` <span class="muted">(${share(a[c] / a.requests, 1)})</span>` : ''}</td>`)}<td class="num">${rate(p.throughput_rps)}</td><td class="num">${latencyText(p.latency_us.p50)}</td><td class="num">${latencyText(p.latency_us.p90)}</td><td class="num">${latencyText(p.latency_us.p99)}</td><td class="num">${latencyText(p.latency_us.p999)}</td><td class="num">${latencyText(p.latency_us.max)}</td><td class="muted">${server || '–'}</td><td>${p.verdict ? badge(p.verdict.passed) : ''}${p.saturation ? html` <span class="badge fail" title="${p.saturation.reason}">generator saturated</span>` : ''}</td></tr>\n`;
  })}</tbody></table>
<p class="muted">Every request is in one column: requests = ${columns.join(' + ')}. ${columns.filter((c) => c !== 'ok').map((c) => `${c.replace('_', ' ')}: ${ACCOUNT_MEANING[c]}`).join('; ')}. Latency is measured from each request's intended send time (open loop: no coordinated omission). Outcomes by class: ${phases.map((p) => `${p.name}: ${Object.entries(p.requests.outcomes).filter(([k, n]) => k !== 'ok' && n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`).join('; ')}.</p>`;
}

export function figures(charts: RenderedChart[]): Html {
  return html`${charts.map((c) => html`<figure class="chart" id="chart-${c.id}" data-chart="${c.id}"><h3>${c.title}</h3>
${c.svg !== undefined ? raw(c.svg) : html`<p class="chart-error">This chart could not be drawn: ${c.error ?? 'unknown error'}</p>`}
<figcaption>${c.caption}</figcaption></figure>
`)}`;
}
