// report.html from results.json alone: the charts are drawn first (the only async step), then
// the page is assembled from pure sections: verdict, details, environment, scenario.
import { runCharts, comparisonPercentileChart, pageTimeUnit, trafficChart } from '../charts/runSpecs.ts';
import { soakCharts, sweepCharts } from '../charts/studySpecs.ts';
import { renderCharts } from '../charts/render.ts';
import type { ChartSpec } from '../charts/common.ts';
import type { RunResults } from '../../contract/results.ts';
import { html } from './escape.ts';
import { renderPage, type Section } from './page.ts';
import { comparisonVerdict, phaseComparison } from './sections/compare.ts';
import { figures, phaseTable } from './sections/details.ts';
import { agentsSection } from './sections/agents.ts';
import { environmentSection } from './sections/environment.ts';
import { scenarioSection } from './sections/scenario.ts';
import { soakTable } from './sections/soak.ts';
import { trialsTable } from './sections/sweep.ts';
import { verdictSection } from './sections/verdict.ts';

function subtitle(results: RunResults) {
  return html`run <code>${results.run_id}</code> · ${results.target.model} on ${results.target.kind} ${results.target.url} · ${results.started_at}`;
}

export async function renderRunReport(results: RunResults): Promise<string> {
  // One time unit for every chart on the page (a soak's hours and its traffic's seconds would differ).
  const unit = pageTimeUnit(results);
  const [run, sweep, soak] = await Promise.all([
    renderCharts(runCharts(results, unit)),
    renderCharts(results.sweep ? sweepCharts(results.sweep) : []),
    renderCharts(results.soak ? soakCharts(results.soak, unit) : []),
  ]);
  const sections: Section[] = [
    { id: 'verdict', title: 'Verdict', body: verdictSection(results) },
    ...(results.sweep ? [{ id: 'sweep', title: 'Sweep', body: html`${figures(sweep)}<h3>Trials</h3>${trialsTable(results.sweep)}` }] : []),
    ...(results.soak ? [{ id: 'soak', title: 'Soak', body: html`${soakTable(results.soak)}${figures(soak)}` }] : []),
    ...(results.agents ? [{ id: 'agents', title: 'Agents', body: agentsSection(results.agents) }] : []),
    { id: 'details', title: 'Details', body: html`<h3>Phases</h3>${phaseTable(results.phases)}${figures(run)}` },
    { id: 'environment', title: 'Environment', body: environmentSection(results) },
    { id: 'scenario', title: 'Scenario', body: scenarioSection(results) },
  ];
  return renderPage({ title: `servebench · ${results.scenario.name}`, subtitle: subtitle(results), sections });
}

export async function renderComparisonReport(a: RunResults, b: RunResults): Promise<string> {
  const specs = [comparisonPercentileChart(a, b)].filter((c): c is ChartSpec => c !== undefined);
  const unit = pageTimeUnit(a, b);
  const traffic = [trafficChart(a, unit), trafficChart(b, unit)].map((c, i) => (c ? { ...c, id: `${c.id}-${i === 0 ? 'a' : 'b'}`, title: `${c.title}: run ${i === 0 ? 'A' : 'B'}` } : undefined));
  const charts = await renderCharts([...specs, ...traffic.filter((c): c is ChartSpec => c !== undefined)]);
  const sections: Section[] = [
    { id: 'verdict', title: 'Comparison', body: comparisonVerdict(a, b) },
    { id: 'details', title: 'Details', body: html`${figures(charts.slice(0, specs.length))}${phaseComparison(a, b)}${figures(charts.slice(specs.length))}` },
    { id: 'run-a', title: 'Run A', body: html`${verdictSection(a)}<h3>Phases</h3>${phaseTable(a.phases)}` },
    { id: 'run-b', title: 'Run B', body: html`${verdictSection(b)}<h3>Phases</h3>${phaseTable(b.phases)}` },
    { id: 'environment', title: 'Environment', body: html`<h3>A</h3>${environmentSection(a)}<h3>B</h3>${environmentSection(b)}` },
    { id: 'scenario', title: 'Scenarios', body: html`<h3>A</h3>${scenarioSection(a)}<h3>B</h3>${scenarioSection(b)}` },
  ];
  const names = a.scenario.name === b.scenario.name ? a.scenario.name : `${a.scenario.name} vs ${b.scenario.name}`;
  return renderPage({ title: `servebench · compare ${names}`, subtitle: html`A <code>${a.run_id}</code> · B <code>${b.run_id}</code>`, sections });
}
