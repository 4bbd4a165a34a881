// The scenario exactly as it ran (after defaults were filled), as YAML: enough to run it again.
import { stringify } from 'yaml';
import type { RunResults } from '../../../contract/results.ts';
import { html, type Html } from '../escape.ts';

export function scenarioSection(results: RunResults): Html {
  return html`<p class="muted">As it ran, with every default filled in${results.scenario_file ? ` (from ${results.scenario_file})` : ''}.</p>
<pre>${stringify(results.scenario, { lineWidth: 0 })}</pre>`;
}
