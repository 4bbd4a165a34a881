// Golden files of the gate's outputs, rendered from fixed inputs (no clock, no hostname of this
// machine). UPDATE_GOLDEN=1 npx vitest run test/gate/golden.test.ts rewrites them after a deliberate change.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseGateConfig } from '../../src/gate/config.ts';
import { evaluateGate, type GateOutcome } from '../../src/gate/evaluate.ts';
import { escapeXml, renderJunit } from '../../src/gate/junit.ts';
import { renderMarkdown } from '../../src/gate/markdown.ts';
import { renderText } from '../../src/gate/text.ts';
import { LAPTOP, sampleSet, threshold } from './fixtures.ts';
import { all, parseXml } from './xml.ts';

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));

const config = parseGateConfig({
  repeats: 5,
  confidence: '95%',
  rules: ['p99 may rise at most 10%', 'p50 may rise at most 10%', 'throughput may drop at most 5%'],
}, 'gate.yaml');

const BASE_P99 = [10_000, 10_400, 9_800, 10_200, 10_100];
const thresholdsAt = (p99: number) => [threshold('error_rate < 1%', 0.0005, true, 'ratio'), threshold('p99 < 12ms', p99, p99 < 12_000)];

/** p99 30% worse, p50 too noisy to tell, throughput unchanged, a threshold failed, another machine. */
function failingOutcome(): GateOutcome {
  const baseline = sampleSet(BASE_P99.map((p99) => ({ p99, p50: 3_000, throughput: 199.5 })), { environment: LAPTOP, commit: '0'.repeat(40), created_at: '2026-01-01T09:00:00.000Z' });
  const p50s = [2_400, 3_900, 2_800, 4_100, 3_300];
  const current = sampleSet(BASE_P99.map((p, i) => ({
    p99: Math.round(p * 1.3),
    p50: p50s[i],
    throughput: 199 + i * 0.2,
    thresholds: thresholdsAt(Math.round(p * 1.3)),
    warnings: i === 2 ? ['generator saturated in phase open-200: results describe the client, not the server (send lag p99 3.2 ms > 2.0 ms)'] : [],
  })));
  return evaluateGate({ baseline, current, config });
}

/** Nothing changed on the same machine; the baseline was updated after the pass. */
function passingOutcome(): GateOutcome {
  const baseline = sampleSet(BASE_P99.map((p99) => ({ p99, p50: 3_000 })), { commit: '0'.repeat(40), created_at: '2026-01-01T09:00:00.000Z' });
  const current = sampleSet([10_100, 9_900, 10_300, 10_000, 10_250].map((p99, i) => ({ p99, p50: 2_990 + i * 10, thresholds: thresholdsAt(p99) })));
  const outcome = evaluateGate({ baseline, current, config });
  outcome.baseline_update = { written: true, path: 'ci/baseline.json', reason: 'updated ci/baseline.json (5 repeats)' };
  return outcome;
}

const CASES = { fail: failingOutcome, pass: passingOutcome };
const FORMATS = { 'junit.xml': renderJunit, 'md': renderMarkdown, 'txt': renderText };

async function golden(name: string, actual: string): Promise<void> {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN) await writeFile(file, actual);
  expect(actual, `${name} differs from its golden file (UPDATE_GOLDEN=1 after a deliberate change)`).toBe(await readFile(file, 'utf8'));
}

describe('golden outputs', () => {
  for (const [caseName, make] of Object.entries(CASES)) {
    for (const [ext, render] of Object.entries(FORMATS)) {
      it(`${caseName}.${ext} renders as recorded`, async () => {
        await golden(`${caseName}.${ext}`, render(make()));
      });
    }
  }

  it('the failing case is the one it claims to be: regressed, inconclusive, no change, a failed threshold, a machine warning', () => {
    const outcome = failingOutcome();
    expect(outcome.rules.map((r) => r.verdict)).toEqual(['regressed', 'inconclusive', 'no change']);
    expect(outcome.thresholds.map((t) => t.passed)).toEqual([true, false]);
    expect(outcome.warnings[0]).toMatch(/^different machine/);
    expect(outcome.exit_code).toBe(1);
    expect(passingOutcome().exit_code).toBe(0);
  });
});

describe('JUnit XML', () => {
  it('is well-formed, with one testcase per rule and threshold and counts that match them', () => {
    const suites = parseXml(renderJunit(failingOutcome()));
    expect(suites.name).toBe('testsuites');
    const [suite] = all(suites, 'testsuite');
    const cases = all(suite, 'testcase');
    expect(cases.map((c) => c.attributes.name)).toEqual(['p99 may rise at most 10%', 'p50 may rise at most 10%', 'throughput may drop at most 5%', 'error_rate < 1%', 'p99 < 12ms']);
    const failures = cases.filter((c) => all(c, 'failure').length > 0);
    const skipped = cases.filter((c) => all(c, 'skipped').length > 0);
    expect(failures.map((c) => all(c, 'failure')[0].attributes.type)).toEqual(['regressed', 'threshold']);
    expect(skipped.map((c) => c.attributes.name)).toEqual(['p50 may rise at most 10%']);
    for (const el of [suites, suite]) {
      expect(el.attributes).toMatchObject({ tests: '5', failures: '2', errors: '0', skipped: '1' });
    }
    expect(suite.attributes.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(all(failures[0], 'failure')[0].text).toContain('baseline: median 10.1ms');
  });

  it('turns inconclusive into a failure when fail_on_inconclusive is on, and skips rules when there is no baseline', () => {
    const strict = { ...failingOutcome(), config: { ...failingOutcome().config, fail_on_inconclusive: true } };
    expect(all(parseXml(renderJunit(strict)), 'failure').map((f) => f.attributes.type)).toEqual(['regressed', 'inconclusive', 'threshold']);
    const first = evaluateGate({ current: sampleSet([10_000, 10_100]), config });
    const cases = all(parseXml(renderJunit(first)), 'testcase');
    expect(cases.map((c) => all(c, 'skipped')[0]?.attributes.message)).toEqual(Array(3).fill('not compared: no baseline yet'));
  });

  it('escapes what XML cannot carry raw', () => {
    expect(escapeXml('a < b & "c" \u0001')).toBe('a &lt; b &amp; &quot;c&quot; ');
    const outcome = { ...passingOutcome(), scenario: 'p99<5ms & "fast"' };
    expect(all(parseXml(renderJunit(outcome)), 'testsuite')[0].attributes.name).toBe('servebench gate: p99<5ms & "fast"');
  });
});
