// Where and with what the run happened: machine, versions, commit, target, effective server config.
import type { RunResults } from '../../../contract/results.ts';
import { knobsOfTritonConfig } from '../../../serving/tritonConfig.ts';
import { html, type Html } from '../escape.ts';
import { megabytes } from '../format.ts';

/** The serving settings first, in the order a person tunes them; any others after. */
const SETTING_ORDER = ['max_batch_size', 'max_batch_delay_us', 'preferred_batch_sizes', 'max_queue_size', 'workers', 'intra_op_threads', 'execution_provider', 'request_timeout_ms'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The settings the server ran with, one value each. The server's /config answer names some of them
 * up to three times (config.json's `max_batch_size` is the model's limit, its `serving` block the
 * repository's defaults, `effective_serving` what ran), so only the last is shown as the setting;
 * a Triton answer is read in its own names.
 */
export function effectiveSettings(config: Record<string, unknown>): { source: 'effective_serving' | 'triton'; settings: Record<string, unknown> } | undefined {
  const effective = isRecord(config.effective_serving) ? config.effective_serving : undefined;
  const settings = effective ?? knobsOfTritonConfig(config);
  if (!settings || Object.keys(settings).length === 0) return undefined;
  const rank = (k: string) => (SETTING_ORDER.includes(k) ? SETTING_ORDER.indexOf(k) : SETTING_ORDER.length);
  const ordered = Object.fromEntries(Object.entries(settings).sort(([x], [y]) => rank(x) - rank(y)));
  return { source: effective ? 'effective_serving' : 'triton', settings: ordered };
}

function serverConfigBlock(config: Record<string, unknown> | undefined): Html {
  if (!config) return html`<p class="muted">Not reported by the target.</p>`;
  const effective = effectiveSettings(config);
  const raw = html`<pre>${JSON.stringify(config, null, 2)}</pre>`;
  if (!effective) return raw;
  const show = (v: unknown) => (Array.isArray(v) ? (v.length > 0 ? v.join(', ') : 'none') : String(v));
  return html`<table class="server-config"><thead><tr><th>setting</th><th>value that ran</th></tr></thead><tbody>${Object.entries(effective.settings).map(([k, v]) => html`<tr><td><code>${k}</code></td><td>${show(v)}</td></tr>`)}</tbody></table>
<p class="muted">${effective.source === 'effective_serving' ? 'From effective_serving in the server\'s answer to GET /v2/models/{model}/config.' : 'Read from the Triton model configuration the server reported.'}</p>
<details><summary class="muted">The server's whole answer (it also holds the model's own limits and the repository defaults, which are not what ran)</summary>${raw}</details>`;
}

export function environmentSection(results: RunResults): Html {
  const e = results.environment;
  const rows: [string, string][] = [
    ['run', results.run_id],
    ['started', results.started_at],
    ['finished', results.finished_at],
    ['host', e.hostname],
    ['os', e.os_distro ? `${e.os_distro}, ${e.os}` : e.os],
    ['cpu', `${e.cpu_model} (${e.cores} cores${e.physical_cores ? `, ${e.physical_cores} physical` : ''})`],
    ['memory', megabytes(e.memory_bytes)],
    ['gpus', e.gpus.length > 0 ? e.gpus.map((g) => `#${g.index} ${g.name}${g.memory_total_mib ? ` (${megabytes(g.memory_total_mib * 2 ** 20)})` : ''}`).join(', ') : 'none'],
    ...(e.graphics && e.graphics.length > 0 ? [['graphics', e.graphics.map((g) => `${g.vendor} ${g.model}${g.vram_mib ? ` (${megabytes(g.vram_mib * 2 ** 20)})` : ''}`).join(', ')] as [string, string]] : []),
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
${serverConfigBlock(results.server_config)}`;
}
