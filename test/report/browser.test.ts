// The report in a real browser (headless Chromium): it opens offline, loads nothing, logs no
// error, and every chart has drawn its data marks. Screenshots land in test-output/ for a person.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { renderComparisonReport, renderRunReport } from '../../src/report/html/report.ts';
import { fixture, hostileResults } from './helpers.ts';

const CHROMIUM = process.env.SERVEBENCH_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const OUTPUT = join(process.cwd(), 'test-output');
if (!hasChromium) console.warn(`report browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set SERVEBENCH_CHROMIUM)`);

interface Visit {
  requests: string[];
  problems: string[];
  charts: { id: string; marks: number; svgs: number }[];
  page: Page;
}

describe.skipIf(!hasChromium)('report.html in headless Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM });
    dir = await mkdtemp(join(tmpdir(), 'servebench-report-browser-'));
    await mkdir(OUTPUT, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(name: string, html: string): Promise<Visit> {
    const file = join(dir, `${name}.html`);
    await writeFile(file, html);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // Data marks: vega draws each mark as a group of class role-mark holding paths, lines or text.
    const charts = await page.$$eval('figure.chart', (figures) =>
      figures.map((f) => ({
        id: f.getAttribute('data-chart') ?? '',
        svgs: f.querySelectorAll('svg').length,
        marks: f.querySelectorAll('svg g.role-mark path, svg g.role-mark line, svg g.role-mark rect').length,
      })),
    );
    return { requests, problems, charts, page };
  }

  function expectOffline(visit: Visit, name: string): void {
    expect(visit.requests).toEqual([pathToFileURL(join(dir, `${name}.html`)).href]);
    expect(visit.problems).toEqual([]);
  }

  it('a flap run opens offline with its charts drawn, and a screenshot is saved', async () => {
    const visit = await open('flap', await renderRunReport(fixture('flap')));
    expectOffline(visit, 'flap');
    expect(visit.charts.map((c) => c.id)).toEqual(['latency-percentiles', 'traffic', 'system']);
    for (const chart of visit.charts) {
      expect(chart.svgs, chart.id).toBe(1);
      expect(chart.marks, chart.id).toBeGreaterThan(0);
    }
    // Fault markers are drawn: one dashed rule per proxy cut and restore.
    const markerRules = await visit.page.$$eval('#chart-traffic svg g.role-mark line', (lines) => lines.length);
    expect(markerRules).toBeGreaterThanOrEqual(2 * fixture('flap').markers!.length);
    const verdictTop = await visit.page.$eval('#verdict', (e) => e.getBoundingClientRect().top);
    const detailsTop = await visit.page.$eval('#details', (e) => e.getBoundingClientRect().top);
    expect(verdictTop).toBeLessThan(detailsTop);
    await visit.page.screenshot({ path: join(OUTPUT, 'report.png'), fullPage: true });
    await visit.page.close();
  });

  it('sweep and soak reports draw their study charts', async () => {
    for (const [name, expected] of [
      ['sweep', ['sweep-curves', 'sweep-capacity', 'sweep-heatmap']],
      ['soak', ['soak-memory', 'soak-p99']],
    ] as const) {
      const visit = await open(name, await renderRunReport(fixture(name)));
      expectOffline(visit, name);
      for (const id of expected) {
        const chart = visit.charts.find((c) => c.id === id);
        expect(chart?.marks, `${name}: ${id}`).toBeGreaterThan(0);
      }
      await visit.page.locator(`#${name}`).screenshot({ path: join(OUTPUT, `report-${name}.png`) });
      await visit.page.close();
    }
  });

  it('a comparison of two runs opens offline with the overlaid distributions drawn', async () => {
    const visit = await open('compare', await renderComparisonReport(fixture('quick'), fixture('shutdown')));
    expectOffline(visit, 'compare');
    expect(visit.charts.find((c) => c.id === 'compare-percentiles')?.marks).toBeGreaterThan(0);
    await visit.page.screenshot({ path: join(OUTPUT, 'report-compare.png') });
    await visit.page.close();
  });

  it('hostile scenario and phase names render as text: nothing runs, nothing loads', async () => {
    const visit = await open('hostile', await renderRunReport(hostileResults()));
    expectOffline(visit, 'hostile');
    expect(await visit.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await visit.page.$$('main script, main img, main iframe')).toHaveLength(0);
    expect(await visit.page.title()).toContain('<script>');
    await visit.page.close();
  });

  it('the headline gives each counted phase its own rate and p99, and nothing pooled over them', async () => {
    const quick = fixture('quick');
    const visit = await open('headline', await renderRunReport(quick));
    expectOffline(visit, 'headline');
    const rows = await visit.page.$$eval('#verdict table.headline tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '')));
    expect(rows.map((r) => r[0])).toEqual(['closed-8 steady', 'open-500 steady']);
    expect(rows.map((r) => [r[2], r[4]])).toEqual([['112/s', '460 ms'], ['443/s', '1661 ms']]);
    // The pooled rate over a closed and an open phase (277/s) is nowhere in the verdict.
    const verdictText = await visit.page.$eval('#verdict', (e) => e.textContent ?? '');
    expect(verdictText).not.toContain(`${Math.round(quick.totals.throughput_rps)}/s`);
    const visible = await visit.page.$eval('#verdict table.headline', (e) => e.getBoundingClientRect().height > 0);
    expect(visible).toBe(true);
    await visit.page.close();
  });

  it('one unit per quantity on a page: memory in MB only, every time axis in one unit', async () => {
    for (const name of ['soak', 'sweep', 'flap'] as const) {
      const visit = await open(`units-${name}`, await renderRunReport(fixture(name)));
      expectOffline(visit, `units-${name}`);
      // What a reader sees: the page's text and every chart's drawn text (axis titles, labels).
      const seen = await visit.page.evaluate(() => document.body.innerText + ' ' + Array.from(document.querySelectorAll('svg text')).map((t) => t.textContent).join(' '));
      expect(seen, name).not.toMatch(/\bMiB\b|\bGiB\b|\bKiB\b/);
      const axes = await visit.page.$$eval('svg text', (texts) => texts.map((t) => t.textContent ?? '').filter((t) => / since (the run started|the start)$/.test(t)));
      expect(axes.length, name).toBeGreaterThan(0);
      expect(new Set(axes.map((t) => t.split(' ')[0])).size, `${name}: ${axes.join(', ')}`).toBe(1);
      // CPU on one labelled scale: cores busy, of the machine's cores.
      if (name !== 'soak') expect(seen, name).toMatch(/CPU \(cores busy, of \d+\)/);
      await visit.page.close();
    }
  });

  it('a comparison of different scenarios says so at the top, before any number', async () => {
    const b = fixture('shutdown');
    b.target.model = 'cnn';
    const visit = await open('compare-different', await renderComparisonReport(fixture('quick'), b));
    expectOffline(visit, 'compare-different');
    const warning = visit.page.locator('#verdict .comparison-warnings');
    await expect(warning.isVisible()).resolves.toBe(true);
    const text = (await warning.textContent()) ?? '';
    expect(text).toContain('Different scenarios: A ran "quick", B ran "shutdown"');
    expect(text).toContain('Different models: A measured mlp, B measured cnn.');
    // At the top: above the runs table and every number of the comparison.
    const warningTop = (await warning.boundingBox())!.y;
    const firstTableTop = await visit.page.$eval('#verdict table', (e) => e.getBoundingClientRect().top + window.scrollY);
    expect(warningTop).toBeLessThan(firstTableTop);
    await visit.page.close();
  });
});
