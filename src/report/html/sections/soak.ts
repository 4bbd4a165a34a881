// A soak's answer: does memory grow (leak verdict) and does p99 drift, with the numbers behind it.
import type { SoakResults, TrendVerdict } from '../../../contract/results.ts';
import { html, type Html } from '../escape.ts';
import { fixed, megabytes, seconds } from '../format.ts';

const leaky = (v: TrendVerdict) => v.verdict === 'leak' || v.verdict === 'drift';
const conclusive = (v: TrendVerdict) => typeof v.slope_per_hour === 'number' && Number.isFinite(v.slope_per_hour);

export function soakVerdict(soak: SoakResults): Html {
  const { leak, drift } = soak;
  // An inconclusive trend has no slope (NaN in memory, null once written as JSON): say nothing of it.
  const ci = (v: TrendVerdict, what: string, unit: string) => (conclusive(v) ? ` ${what} ${fixed(v.slope_per_hour, 2)} ${unit} (95% CI ${fixed(v.ci?.[0], 2)} … ${fixed(v.ci?.[1], 2)}).` : '');
  const hours = leak.projected_hours_to_limit;
  const projection = typeof hours === 'number' && Number.isFinite(hours) && hours > 0 ? html`<p>At this slope the memory limit is reached in about ${fixed(hours, 1)} hours.</p>` : '';
  const tone = leaky(leak) || leaky(drift) ? 'bad' : conclusive(leak) && conclusive(drift) ? 'good' : '';
  return html`<div class="callout ${tone}">
<p><strong>Memory: ${leak.verdict}</strong> — ${leak.summary}${ci(leak, 'Slope', 'MB/hour')}</p>
${projection}
<p><strong>Latency: ${drift.verdict}</strong> — ${drift.summary}${ci(drift, 'p99 drift', '%/hour')}</p>
${soak.completed ? '' : html`<p><strong>Incomplete:</strong> the soak stopped after ${seconds(soak.duration_s)} of ${seconds(soak.planned_duration_s)}; this report is rebuilt from its partial data.</p>`}
</div>`;
}

export function soakTable(soak: SoakResults): Html {
  const rows: [string, string][] = [
    ['duration', `${seconds(soak.duration_s)} of ${seconds(soak.planned_duration_s)} planned${soak.completed ? '' : ' (stopped early)'}`],
    ['rate', `${soak.rate}/s`],
    ['sampling interval', seconds(soak.interval_s)],
    ['warm-up left out of the fit', seconds(soak.warmup_s)],
    ['samples', String(soak.samples.length)],
  ];
  if (soak.harness_rss_growth_bytes !== undefined) rows.push(['harness RSS growth', megabytes(soak.harness_rss_growth_bytes)]);
  return html`<dl class="kv">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}
