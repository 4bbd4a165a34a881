// Where and with what the run happened: machine, versions, commit, target, effective server config.
import type { RunResults } from '../../results.ts';
import { html, type Html } from '../escape.ts';
import { mib } from '../format.ts';

export function environmentSection(results: RunResults): Html {
  const e = results.environment;
  const rows: [string, string][] = [
    ['run', results.run_id],
    ['started', results.started_at],
    ['finished', results.finished_at],
    ['host', e.hostname],
    ['os', e.os],
    ['cpu', `${e.cpu_model} (${e.cores} cores)`],
    ['memory', mib(e.memory_bytes)],
    ['gpus', e.gpus.length > 0 ? e.gpus.map((g) => `#${g.index} ${g.name}${g.memory_total_mib ? ` (${g.memory_total_mib} MiB)` : ''}`).join(', ') : 'none'],
    ['node', e.node],
    ['onnxruntime', e.onnxruntime],
    ['servebench', e.servebench],
    ['commit', e.git_commit ?? 'unknown'],
    ['target', `${results.target.kind} ${results.target.url} (${results.target.protocol})`],
    ['model', `${results.target.model}${results.target.version ? ` version ${results.target.version}` : ''}`],
  ];
  if (results.scenario_file) rows.push(['scenario file', results.scenario_file]);
  return html`<dl class="kv">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
<h3>Effective server configuration</h3>
${results.server_config ? html`<pre>${JSON.stringify(results.server_config, null, 2)}</pre>` : html`<p class="muted">Not reported by the target.</p>`}`;
}
