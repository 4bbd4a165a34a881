// A merged run's agents: each one's share as it went (rate, errors, start lag, clock, saturation),
// and whether they started together.
import type { AgentsSummary } from '../../../contract/results.ts';
import { html, type Html } from '../escape.ts';
import { rate, share } from '../format.ts';

const ms = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${x.toFixed(1)} ms`);

export function agentsSection(agents: AgentsSummary): Html {
  const spread = agents.start_spread_ms === null ? 'No agent started.' : `Start spread ${ms(agents.start_spread_ms)} (warned above ${agents.spread_bound_ms} ms), T0 ${agents.start_at ?? ''}.`;
  return html`<p>${agents.count} agents${agents.complete ? '' : html` · <strong>incomplete</strong>: the merged numbers hold only the agents that reported`}. ${spread}</p>
<table class="agents"><thead><tr><th>agent</th><th>status</th><th class="num">asked</th><th class="num">throughput</th><th class="num">requests</th><th class="num">errors</th><th class="num">start lag</th><th>clock vs target</th><th>notes</th></tr></thead><tbody>
${agents.agents.map((a) => html`<tr><td>${a.index}</td><td>${a.status}</td><td class="num">${a.asked_rate !== undefined ? rate(a.asked_rate) : '–'}</td><td class="num">${rate(a.throughput_rps)}</td><td class="num">${a.requests}</td><td class="num">${share(a.error_rate)}</td><td class="num">${ms(a.start_lag_ms)}</td><td>${a.clock?.offset_ms !== undefined ? `${a.clock.offset_ms} ± ${a.clock.uncertainty_ms} ms (HTTP Date)` : (a.clock?.note ?? '–')}</td><td>${[a.saturated.length > 0 ? `saturated in ${a.saturated.join(', ')}` : '', a.drives.length > 0 ? `drove ${a.drives.join(', ')}` : '', a.status !== 'ok' ? (a.error ?? '') : ''].filter(Boolean).join('; ')}</td></tr>`)}
</tbody></table>
<p class="muted">Each agent's own results are in agents/&lt;index&gt;/ beside this report.</p>`;
}
