// A sweep's answer (the recommended configuration and why) and its trials, one row each.
import { isRecommended, trialLabel } from '../../charts/data.ts';
import { p99AtCapacity } from '../../csv.ts';
import type { SweepResults } from '../../../contract/results.ts';
import { html, type Html } from '../escape.ts';
import { configLabel, cores, megabytes, rate, seconds } from '../format.ts';
import { latencyText } from '../../../format/units.ts';

export function recommendationBlock(sweep: SweepResults): Html {
  const r = sweep.recommendation;
  if (!r) return html`<div class="callout bad"><strong>No recommendation:</strong> no configuration met the SLO (p99 ≤ ${latencyText(sweep.slo.p99_us)}, errors ≤ ${(sweep.slo.error_rate * 100).toFixed(2)}%).</div>`;
  const gain = sweep.default_capacity_rps ? ` (default configuration: ${rate(sweep.default_capacity_rps)})` : '';
  return html`<div class="callout good"><p><strong>Recommended:</strong> <code>${configLabel(r.config)}</code> — capacity ${rate(r.capacity_rps)} at p99 ≤ ${latencyText(sweep.slo.p99_us)}${gain}.</p>
<p>${r.reason}</p>
${r.overlap && r.runner_up ? html`<p class="muted">The runner-up <code>${configLabel(r.runner_up.config)}</code> (${rate(r.runner_up.capacity_rps)}) is within noise of it.</p>` : ''}
${r.at_load.length > 0 ? html`<table><thead><tr><th>load</th><th class="num">rate</th><th class="num">p50</th><th class="num">p99</th></tr></thead><tbody>${r.at_load.map((l) => html`<tr><td>${Math.round(l.share * 100)}% of capacity</td><td class="num">${rate(l.rate)}</td><td class="num">${latencyText(l.p50_us)}</td><td class="num">${latencyText(l.p99_us)}</td></tr>`)}</tbody></table>` : ''}
${r.replicas ? html`<p><strong>Capacity plan:</strong> ${r.replicas.replicas} replica(s) for ${rate(r.replicas.target_rps)} at ${Math.round(r.replicas.utilisation * 100)}% utilisation (headroom ${Math.round(r.replicas.headroom * 100)}%). ${r.replicas.note}</p>` : ''}
</div>`;
}

export function trialsTable(sweep: SweepResults): Html {
  return html`<p class="muted">Strategy ${sweep.strategy}, objective ${sweep.objective}, SLO p99 ≤ ${latencyText(sweep.slo.p99_us)} and errors ≤ ${(sweep.slo.error_rate * 100).toFixed(2)}%.</p>
<table class="trials"><thead><tr><th>#</th><th>configuration</th><th class="num">capacity</th><th class="num">repeats</th><th class="num">p99 at capacity</th><th class="num">server RSS</th><th class="num" title="cores busy at capacity; (main …): the server's main thread, its event loop, part of it">server CPU</th><th class="num">took</th></tr></thead><tbody>
${sweep.trials.map((t) => html`<tr><td>${t.index}</td><td><code>${trialLabel(sweep, t)}</code>${isRecommended(sweep, t) ? html` <span class="badge pass">recommended</span>` : ''}</td><td class="num">${t.capacity_rps === null ? 'none met the SLO' : rate(t.capacity_rps)}</td><td class="num">${t.repeats?.map((x) => x.toFixed(0)).join(' / ') ?? '–'}</td><td class="num">${latencyText(p99AtCapacity(t))}</td><td class="num">${megabytes(t.server_rss_bytes)}</td><td class="num">${t.server_cpu_percent === undefined ? '–' : `${cores(t.server_cpu_percent)}${t.server_main_thread_cpu_percent === undefined ? '' : ` (main ${(t.server_main_thread_cpu_percent / 100).toFixed(2)})`}`}</td><td class="num">${seconds(t.duration_s)}</td></tr>\n`)}</tbody></table>`;
}
