// Every request of a phase is in exactly one column, so a row adds up: requests = ok + errors +
// timed_out + cut + refused + dropped + aborted + other, in the terminal table, the CSV, the
// dashboard and the HTML alike; checked on recorded runs and on a fresh run with connection cuts.
import { describe, expect, it } from 'vitest';
import { ACCOUNT_COLUMNS, accountColumnOf, accountOf, shownColumns, type RequestAccount } from '../../src/report/accounting.ts';
import { summaryCsv } from '../../src/report/csv.ts';
import type { RunResults } from '../../src/contract/results.ts';
import { formatSummary, resultPhrase } from '../../src/report/summaryTable.ts';
import { runScenario } from '../../src/runner/run.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { fixture, parseCsv } from './helpers.ts';

const sumOfColumns = (a: RequestAccount) => ACCOUNT_COLUMNS.reduce((s, c) => s + a[c], 0);

/** The summary table's rows as header -> cell, one object per phase. */
function summaryRows(results: RunResults): Record<string, string>[] {
  const lines = formatSummary(results).split('\n');
  const at = lines.findIndex((l) => l.startsWith('phase '));
  const header = lines[at].trim().split(/\s+/);
  return lines.slice(at + 1, at + 1 + results.phases.length).map((l) => {
    // The phase name may carry "(not counted)": split the numbers off the right.
    const cells = l.trim().split(/\s+/);
    const tail = cells.slice(-(header.length - 1));
    return Object.fromEntries(header.map((h, i) => [h, i === 0 ? cells.slice(0, cells.length - tail.length).join(' ') : tail[i - 1]]));
  });
}

/** Each phase's columns add up to its requests in every view the project prints. */
function expectEveryRowAddsUp(results: RunResults): void {
  const csv = parseCsv(summaryCsv(results));
  const csvRows = csv.slice(1).map((r) => Object.fromEntries(csv[0].map((h, i) => [h, r[i]])));
  const table = summaryRows(results);
  results.phases.forEach((p, i) => {
    const total = Object.values(p.requests.outcomes).reduce((a, n) => a + n, 0);
    const account = accountOf(p.requests.outcomes);
    expect(account.requests, p.name).toBe(total);
    expect(sumOfColumns(account), p.name).toBe(account.requests);
    // sent excludes dropped (never sent), completed is ok + HTTP error answers.
    expect(account.requests - account.dropped, p.name).toBe(p.requests.sent);
    expect(account.ok + account.errors, p.name).toBe(p.requests.completed);
    const c = csvRows[i];
    expect(Number(c.requests), p.name).toBe(Number(c.ok) + Number(c.errors) + Number(c.timed_out) + Number(c.cut) + Number(c.refused) + Number(c.dropped) + Number(c.aborted) + Number(c.other));
    const t = table[i];
    const shown = Object.keys(t).filter((k) => (ACCOUNT_COLUMNS as readonly string[]).includes(k));
    expect(shown, p.name).toEqual(expect.arrayContaining(['ok', 'errors', 'timed_out', 'cut', 'refused', 'dropped']));
    expect(Number(t.requests), p.name).toBe(shown.reduce((s, k) => s + Number(t[k]), 0));
  });
}

describe('the request account', () => {
  it('puts each outcome kind in one column', () => {
    expect(['ok', 'status_503', 'status_400', 'timeout', 'reset', 'refused', 'dropped', 'aborted', 'error', 'something_new'].map(accountColumnOf)).toEqual(['ok', 'errors', 'errors', 'timed_out', 'cut', 'refused', 'dropped', 'aborted', 'other', 'other']);
  });

  it('accounts for the flap example\'s missing requests: 2400 = 674 ok + 1146 timed out + 313 cut + 267 dropped', () => {
    const flap = fixture('flap').phases.find((p) => p.kind === 'flap')!;
    expect(accountOf(flap.requests.outcomes)).toEqual({ requests: 2400, ok: 674, errors: 0, timed_out: 1146, cut: 313, refused: 0, dropped: 267, aborted: 0, other: 0 });
  });

  it('shows aborted and other only when some row has them', () => {
    expect(shownColumns([accountOf({ ok: 5, reset: 1 })])).toEqual(['ok', 'errors', 'timed_out', 'cut', 'refused', 'dropped']);
    expect(shownColumns([accountOf({ ok: 5 }), accountOf({ aborted: 2 })])).toEqual(['ok', 'errors', 'timed_out', 'cut', 'refused', 'dropped', 'aborted']);
  });

  it('adds up in the terminal table and summary.csv for every recorded run', () => {
    for (const name of ['quick', 'flap', 'shutdown', 'sweep', 'soak'] as const) expectEveryRowAddsUp(fixture(name));
  });

  it('prints the flap phase\'s lost requests in their own columns', () => {
    const row = summaryRows(fixture('flap')).find((r) => r.phase === 'flap')!;
    expect(row).toMatchObject({ requests: '2400', ok: '674', errors: '0', timed_out: '1146', cut: '313', refused: '0', dropped: '267' });
  });
});

describe('the result line', () => {
  const base = { exit_code: 0 as const, thresholds: [], verdicts: [] };
  const threshold = { expression: 'p99 < 1s', scope: '*', actual: 1, unit: 'us', passed: true, message: '' };
  const verdict = { kind: 'flap', passed: true, summary: '', details: {} };
  it('says "no thresholds set" instead of "all passed" when nothing was judged', () => {
    expect(resultPhrase(base)).toBe('no thresholds set (nothing was judged)');
    expect(resultPhrase({ ...base, verdicts: [verdict] })).toMatch(/^all 1 verdicts passed; no thresholds set/);
    expect(resultPhrase({ ...base, thresholds: [threshold] })).toBe('all passed');
    expect(formatSummary(fixture('sweep'))).toContain('result: no thresholds set');
  });
});

describe('a real run with connection cuts', () => {
  it('accounts for every request of every phase', { timeout: 120_000 }, async () => {
    const scenario = parseScenario(
      {
        name: 'accounting',
        model: 'mlp',
        request_timeout: '300ms',
        phases: [
          { kind: 'warmup', duration: '1s', rate: 50 },
          { kind: 'flap', duration: '4s', rate: 150, down: '400ms', every: '1500ms', max_in_flight: 8 },
        ],
      },
      'accounting.yaml',
    );
    const results = await runScenario(scenario, { runId: 'test-accounting' });
    expect(results.error).toBeUndefined();
    const flap = results.phases.find((p) => p.kind === 'flap')!;
    // Something was lost in the cuts: the columns are not all ok.
    expect(accountOf(flap.requests.outcomes).ok).toBeLessThan(accountOf(flap.requests.outcomes).requests);
    expectEveryRowAddsUp(results);
  });
});
