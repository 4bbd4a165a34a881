// report.html as text: sections in reading order, every data string escaped, nothing that could
// load or run, and the right answer up front for runs, sweeps, soaks and comparisons.
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from '../../src/report/html/escape.ts';
import { renderComparisonReport, renderRunReport } from '../../src/report/html/report.ts';
import { CSP } from '../../src/report/html/page.ts';
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

describe('a comparison report', () => {
  it('shows both runs with the change from A to B and the overlaid distributions', async () => {
    const a = fixture('quick');
    const b = fixture('shutdown');
    const page = await renderComparisonReport(a, b);
    expect(sectionOrder(page)).toEqual(['verdict', 'details', 'run-a', 'run-b', 'environment', 'scenario']);
    const words = text(page);
    expect(words).toContain(`A ${a.run_id}`);
    expect(words).toContain('From A to B: p99 -65.0% (1627 ms → 570 ms)');
    expect(words).toMatch(/p99 1627 ms 570 ms -65\.0%/);
    expect(page).toContain('id="chart-compare-percentiles"');
    expect(page).toMatch(/<td class="num better">-65\.0%<\/td>/);
  });
});
