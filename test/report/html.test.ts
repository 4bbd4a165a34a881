// report.html as text: sections in reading order, every data string escaped, nothing that could
// load or run, and the right answer up front for runs, sweeps, soaks and comparisons.
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from '../../src/report/html/escape.ts';
import { renderComparisonReport, renderRunReport } from '../../src/report/html/report.ts';
import { CSP } from '../../src/report/html/page.ts';
import { delta, rate } from '../../src/report/html/format.ts';
import { comparisonWarnings } from '../../src/report/html/sections/compare.ts';
import { effectiveSettings } from '../../src/report/html/sections/environment.ts';
import { overallWord } from '../../src/report/html/sections/verdict.ts';
import { HOSTILE, fixture, hostileResults } from './helpers.ts';

const sectionOrder = (page: string) => [...page.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);
const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };
/** What a reader sees: tags out, entities decoded, whitespace folded. */
const text = (page: string) =>
  page.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/&(lt|gt|quot|#39|amp);/g, (e) => ENTITIES[e]).replace(/\s+/g, ' ');

describe('escaping', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('the html template escapes values unless they are already Html', () => {
    expect(html`<td>${'<b>'}</td>${raw('<i>ok</i>')}${[1, '<', null, false]}`.text).toBe('<td>&lt;b&gt;</td><i>ok</i>1&lt;');
  });
});

describe('a run report', () => {
  it('reads verdict first, then details, environment and the scenario', async () => {
    expect(sectionOrder(await renderRunReport(fixture('quick')))).toEqual(['verdict', 'details', 'environment', 'scenario']);
    expect(sectionOrder(await renderRunReport(fixture('sweep')))).toEqual(['verdict', 'sweep', 'details', 'environment', 'scenario']);
    expect(sectionOrder(await renderRunReport(fixture('soak')))).toEqual(['verdict', 'soak', 'details', 'environment', 'scenario']);
  });

  it('says FAIL with the failed thresholds, and PASS with the fault verdict that passed', async () => {
    const quick = text(await renderRunReport(fixture('quick')));
    expect(quick).toMatch(/Verdict FAIL 2 of 2 checks failed/);
    expect(quick).toContain('p99 = 1.627s, limit < 100ms: FAILED');
    const shutdown = text(await renderRunReport(fixture('shutdown')));
    expect(shutdown).toMatch(/Verdict PASS all 1 checks passed/);
    expect(shutdown).toContain('0 lost, 0 hung');
  });

  it('says the run did not complete, and why, when it could not be done', async () => {
    const quick = fixture('quick');
    // Nothing measured at all: the server never came up.
    const results = { ...quick, phases: [], timeseries: [], system: [], thresholds: [], totals: { ...quick.totals, histogram: '' }, exit_code: 2 as const, error: 'SB_ERR_TARGET_START: the server exited before it was ready' };
    const page = text(await renderRunReport(results));
    expect(page).toContain('DID NOT COMPLETE SB_ERR_TARGET_START: the server exited before it was ready');
    expect(page).toContain('No phases were measured.');
  });

  it('puts a sweep\'s recommendation and a soak\'s leak verdict in the verdict section', async () => {
    const sweep = await renderRunReport(fixture('sweep'));
    const verdict = sweep.slice(sweep.indexOf('<section id="verdict"'), sweep.indexOf('<section id="sweep"'));
    expect(text(verdict)).toContain('Recommended: workers=2 max_batch_size=8 max_batch_delay_us=1000 — capacity 560/s');
    expect(text(verdict)).toContain('6 replica(s) for 2000/s');
    const soak = await renderRunReport(fixture('soak'));
    const soakVerdict = text(soak.slice(soak.indexOf('<section id="verdict"'), soak.indexOf('<section id="soak"')));
    expect(soakVerdict).toMatch(/Memory: leak — .* Slope 8\.92 MB\/hour/);
    expect(soakVerdict).toContain('Latency: stable');
  });

  it('renders an inconclusive soak (no slope: null once written as JSON) without a trend line or NaN', async () => {
    const results = fixture('soak');
    const inconclusive = { verdict: 'inconclusive', slope_per_hour: null as unknown as number, ci: [null, null] as unknown as [number, number], summary: 'only 2 samples after the warm-up cut.' };
    results.soak = { ...results.soak!, leak: inconclusive, drift: inconclusive };
    const page = await renderRunReport(results);
    expect(page).not.toMatch(/NaN|null/);
    expect(text(page)).toContain('Memory: inconclusive — only 2 samples after the warm-up cut.');
    expect(text(page)).toContain('No trend line: too few points after the warm-up to fit one');
  });

  it('shows the environment, the effective server config and the scenario as YAML', async () => {
    const page = text(await renderRunReport(fixture('quick')));
    expect(page).toContain(fixture('quick').environment.git_commit!);
    expect(page).toContain('"max_batch_size": 64');
    expect(page).toMatch(/schema: servebench\.scenario\/v1 name: quick/);
  });

  it('adds the distribution, physical cores and graphics controllers where a run recorded them', async () => {
    const results = fixture('quick');
    const before = text(await renderRunReport(results));
    expect(before).not.toContain('graphics');
    results.environment = { ...results.environment, os_distro: 'Debian GNU/Linux 12 (bookworm)', physical_cores: 8, graphics: [{ vendor: 'NVIDIA', model: 'H100', vram_mib: 81559 }] };
    const page = text(await renderRunReport(results));
    expect(page).toContain(`os Debian GNU/Linux 12 (bookworm), ${results.environment.os}`);
    expect(page).toContain(`(${results.environment.cores} cores, 8 physical)`);
    expect(page).toContain('graphics NVIDIA H100 (85.52 GB)');
  });

  it('escapes scenario names, phase names, messages and config values from the data', async () => {
    const page = await renderRunReport(hostileResults());
    for (const value of Object.values(HOSTILE)) {
      expect(page).not.toContain(value);
      expect(page).toContain(escapeHtml(value));
    }
    expect(page).not.toMatch(/<(script|iframe|img|link|object|embed)\b/i);
  });

  it('is self-contained: a CSP that forbids loading, inline style, no external reference', async () => {
    const page = await renderRunReport(fixture('flap'));
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">`);
    expect(page).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(page).not.toMatch(/@import|@font-face|url\((?!#)/i);
    // Every src/href points inside the page.
    for (const m of page.matchAll(/\b(?:src|href)="([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
  });
});

describe('the headline', () => {
  it('gives each counted phase its own rate and p99, and no run-wide average over a closed and an open phase', async () => {
    const quick = fixture('quick');
    const page = await renderRunReport(quick);
    const verdict = page.slice(page.indexOf('<section id="verdict"'), page.indexOf('<section id="details"'));
    expect([...verdict.matchAll(/<tr data-phase="([^"]+)"/g)].map((m) => m[1])).toEqual(['closed-8', 'open-500']);
    expect(text(verdict)).toMatch(/closed-8 steady closed 8 conn 112\/s .* 460 ms 1716 0/);
    expect(text(verdict)).toMatch(/open-500 steady open 500\/s 443\/s .* 1661 ms 7500 698 \(9\.31%\)/);
    // The pooled numbers (totals) are not the headline.
    expect(text(verdict)).not.toContain(rate(quick.totals.throughput_rps));
    expect(text(verdict)).not.toContain('over the counted phases');
  });

  it('says NO THRESHOLDS SET, not a green PASS, when nothing was judged', async () => {
    const sweep = await renderRunReport(fixture('sweep'));
    expect(sweep).toContain('<div class="overall none"><span class="word">NO THRESHOLDS SET</span>');
    expect(sweep).not.toContain('<div class="overall pass">');
    expect(overallWord({ exit_code: 0, thresholds: [], verdicts: [] }).word).toBe('NO THRESHOLDS SET');
    // Verdicts alone pass, with the missing thresholds said beside them.
    expect(text(await renderRunReport(fixture('shutdown')))).toContain('all 1 checks passed · no thresholds set: latency and errors were not judged');
  });
});

describe('the effective server configuration', () => {
  it('shows the value that ran, once, before the raw answer', async () => {
    const page = await renderRunReport(fixture('quick'));
    const env = text(page.slice(page.indexOf('<section id="environment"'), page.indexOf('<section id="scenario"')));
    expect(env).toMatch(/Effective server configuration setting value that ran max_batch_size 16 max_batch_delay_us 1000 .*workers 1 /);
    // Once as the setting: the model's limit (64) and the repository default (0) only in the raw answer.
    expect(env.match(/max_batch_size 16/g)).toHaveLength(1);
    expect(env.indexOf('max_batch_size 16')).toBeLessThan(env.indexOf('"max_batch_size": 64'));
    expect(effectiveSettings(fixture('quick').server_config!)).toMatchObject({ source: 'effective_serving', settings: { max_batch_size: 16 } });
    expect(effectiveSettings({ max_batch_size: 8, dynamic_batching: { max_queue_delay_microseconds: 100 }, instance_group: [{ count: 2 }] })).toMatchObject({ source: 'triton', settings: { max_batch_size: 8, max_batch_delay_us: 100, workers: 2 } });
  });
});

describe('a comparison report', () => {
  it('shows both runs with each common phase\'s change from A to B and the overlaid distributions', async () => {
    const a = fixture('quick');
    const b = fixture('sweep');
    b.scenario.name = 'quick';
    b.phases[1].latency_us.p99 = a.phases[2].latency_us.p99 / 2;
    const page = await renderComparisonReport(a, b);
    expect(sectionOrder(page)).toEqual(['verdict', 'details', 'run-a', 'run-b', 'environment', 'scenario']);
    const words = text(page);
    expect(words).toContain(`A ${a.run_id}`);
    expect(words).toMatch(/Phase open-500 , from A to B: p99 -50\.0% \(1661 ms → 830 ms\)/);
    expect(words).toMatch(/Phase closed-8 , from A to B: p99 \+0\.0%/);
    expect(page).toContain('id="chart-compare-percentiles"');
    expect(page).toMatch(/<td class="num better">-50\.0%<\/td>/);
    expect(page).not.toContain('comparison-warnings');
  });

  it('says at the top when the runs are of different scenarios or models', async () => {
    const a = fixture('quick');
    const b = fixture('shutdown');
    b.target.model = 'cnn';
    const warnings = comparisonWarnings(a, b);
    expect(warnings).toEqual([
      'Different scenarios: A ran "quick", B ran "shutdown". Their numbers measure different things.',
      'Different models: A measured mlp, B measured cnn.',
      'Phase warmup ran differently: A warmup at closed 8 conn, B warmup at open 100/s.',
    ]);
    expect(comparisonWarnings(a, fixture('quick'))).toEqual([]);
    const page = await renderComparisonReport(a, b);
    const verdict = page.slice(page.indexOf('<section id="verdict"'));
    expect(verdict.indexOf('comparison-warnings')).toBeLessThan(verdict.indexOf('<table'));
  });

  it('gives a change beyond a factor of ten as a ratio, not +237012%', () => {
    expect(delta(1, 2371.12)).toBe('×2371');
    expect(delta(10, 150)).toBe('×15.0');
    expect(delta(1000, 4.2)).toBe('×0.0042');
    expect(delta(100, 112.3)).toBe('+12.3%');
    expect(delta(100, 35)).toBe('-65.0%');
  });
});
