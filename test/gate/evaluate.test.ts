import { describe, expect, it } from 'vitest';
import { parseGateConfig } from '../../src/gate/config.ts';
import { busyMargin, compareEnvironments, evaluateGate } from '../../src/gate/evaluate.ts';
import { CI_MACHINE, LAPTOP, sampleSet, threshold } from './fixtures.ts';

const BASE = [10_000, 10_400, 9_800, 10_200, 10_100];
const config = (section: unknown = { repeats: 5, confidence: 0.95 }) => parseGateConfig(section, 'test.yaml');

describe('evaluateGate: the relative rules', () => {
  it('passes with exit 0 and "no change" when the current repeats match the baseline', () => {
    const outcome = evaluateGate({ baseline: sampleSet(BASE), current: sampleSet([10_100, 9_900, 10_300, 10_000, 10_250]), config: config() });
    expect(outcome.rules[0].verdict).toBe('no change');
    expect(outcome).toMatchObject({ passed: true, exit_code: 0, verdict: 'no change', failures: [] });
    expect(outcome.summary).toBe('PASSED: p99 no change');
  });

  it('fails with exit 1 and "regressed" when every current repeat is 30% slower, with the numbers behind it', () => {
    const outcome = evaluateGate({ baseline: sampleSet(BASE), current: sampleSet(BASE.map((v) => v * 1.3)), config: config() });
    const rule = outcome.rules[0];
    expect(rule.verdict).toBe('regressed');
    expect(rule.change.estimate).toBeCloseTo(0.3, 5);
    expect(rule.change.lower).toBeGreaterThan(0.1);
    expect(rule.baseline.median).toBe(10_100);
    expect(outcome).toMatchObject({ passed: false, exit_code: 1, verdict: 'regressed' });
    expect(outcome.failures).toEqual([expect.stringMatching(/^regressed: p99 \+30\.0% \(95% CI .*\): worse by more than the 10% allowed$/)]);
  });

  it('calls a change hidden by noisy repeats inconclusive: it passes by default and fails with fail_on_inconclusive', () => {
    const noisy = [7_000, 14_000, 9_000, 16_000, 11_000];
    const input = { baseline: sampleSet(BASE), current: sampleSet(noisy) };
    const lenient = evaluateGate({ ...input, config: config() });
    expect(lenient.rules[0].verdict).toBe('inconclusive');
    expect(lenient.rules[0].reason).toMatch(/too noisy to tell/);
    expect(lenient.exit_code).toBe(0);
    const strict = evaluateGate({ ...input, config: config({ repeats: 5, confidence: 0.95, fail_on_inconclusive: true }) });
    expect(strict.exit_code).toBe(1);
    expect(strict.failures[0]).toMatch(/^inconclusive \(gate\.fail_on_inconclusive is on\): /);
  });

  it('says one repeat is not evidence: inconclusive, never regressed, however large the change', () => {
    const outcome = evaluateGate({ baseline: sampleSet([10_000]), current: sampleSet([30_000]), config: config() });
    expect(outcome.rules[0].verdict).toBe('inconclusive');
    expect(outcome.rules[0].reason).toMatch(/one run is not evidence/);
  });

  it('orients each rule: a throughput drop and an error-rate rise in points', () => {
    const base = sampleSet(BASE.map((p99) => ({ p99, throughput: 200, error_rate: 0 })));
    const worse = sampleSet(BASE.map((p99, i) => ({ p99, throughput: 170 + i, error_rate: 0.02 })));
    const outcome = evaluateGate({ baseline: base, current: worse, config: config({ rules: ['throughput may drop at most 5%', 'error_rate may rise at most 1%'] }) });
    expect(outcome.rules.map((r) => [r.rule.metric, r.verdict, r.change.kind])).toEqual([['throughput', 'regressed', 'relative'], ['error_rate', 'regressed', 'absolute']]);
    expect(outcome.rules[1].change.estimate).toBeCloseTo(0.02, 10);
  });
});

describe('evaluateGate: thresholds and verdicts across repeats', () => {
  const p99s = [40_000, 60_000, 45_000];
  const current = sampleSet(p99s.map((p99) => ({ p99, thresholds: [threshold('p99 < 50ms', p99, p99 < 50_000)] })));

  it('reads a threshold on the median of the repeats by default: one slow repeat does not fail the build', () => {
    const outcome = evaluateGate({ current, config: config() });
    expect(outcome.thresholds).toHaveLength(1);
    expect(outcome.thresholds[0]).toMatchObject({ on: 'median', actual: 45_000, passed: true, failed_repeats: [2], values: p99s });
    expect(outcome.thresholds[0].message).toBe('p99 = 45ms (median of 3 repeats, 40ms to 60ms), limit < 50ms: passed');
    expect(outcome.exit_code).toBe(0);
  });

  it('with thresholds_on: every_repeat, the worst repeat decides', () => {
    const outcome = evaluateGate({ current, config: config({ thresholds_on: 'every_repeat' }) });
    expect(outcome.thresholds[0]).toMatchObject({ actual: 60_000, passed: false, failed_repeats: [2] });
    expect(outcome.thresholds[0].message).toBe('p99 = 60ms (worst of 3 repeats), limit < 50ms: FAILED in repeat 2');
    expect(outcome.exit_code).toBe(1);
  });

  it('fails a threshold that a repeat could not measure, and a phase verdict that failed in any repeat', () => {
    const set = sampleSet([
      { p99: 1000, thresholds: [threshold('p99 < 50ms', 1000, true)], verdicts: [{ kind: 'malformed', passed: true, summary: 'all 4xx' }] },
      { p99: 1000, thresholds: [threshold('p99 < 50ms', null, false)], verdicts: [{ kind: 'malformed', passed: false, summary: '3 malformed requests got a 5xx' }] },
    ]);
    const outcome = evaluateGate({ current: set, config: config() });
    expect(outcome.thresholds[0].passed).toBe(false);
    expect(outcome.thresholds[0].message).toMatch(/^p99: not measured in repeat 2/);
    expect(outcome.verdicts).toEqual([{ kind: 'malformed', passed: false, failed_repeats: [2], summary: 'failed in repeat 2: 3 malformed requests got a 5xx' }]);
    expect(outcome.failures).toHaveLength(2);
  });

  it('without a baseline compares no rule and decides on thresholds and verdicts alone', () => {
    const outcome = evaluateGate({ current, config: config() });
    expect(outcome).toMatchObject({ verdict: 'no baseline', rules: [], passed: true });
    expect(outcome.baseline).toBeUndefined();
    expect(outcome.summary).toBe('PASSED: no baseline to compare with; 1 threshold met');
  });
});

describe('evaluateGate: what makes a comparison doubtful', () => {
  it('warns when the baseline was made on another machine (cpu model or cores), first among the warnings', () => {
    const outcome = evaluateGate({ baseline: sampleSet(BASE, { environment: LAPTOP }), current: sampleSet(BASE), config: config() });
    expect(outcome.warnings[0]).toBe('different machine: the baseline was made on "Apple M2" with 8 cores (laptop), this run is on "AMD EPYC 7763 64-Core Processor" with 4 cores (ci-runner-7); latency differences may come from the machine, not the change. Make the baseline on the kind of machine the gate runs on.');
    expect(compareEnvironments(CI_MACHINE, { ...CI_MACHINE, cores: 2 })[0]).toMatch(/^different machine/);
  });

  it('names other environment changes, and says nothing when only the hostname differs (CI runners)', () => {
    expect(compareEnvironments(CI_MACHINE, { ...CI_MACHINE, node: 'v22.1.0', onnxruntime: '1.24.0' })).toEqual(['environment changed since the baseline: node v20.20.2 -> v22.1.0, onnxruntime 1.23.2 -> 1.24.0']);
    expect(compareEnvironments(CI_MACHINE, { ...CI_MACHINE, hostname: 'ci-runner-8', git_commit: '2'.repeat(40) })).toEqual([]);
  });

  it('warns when the scenario changed since the baseline, and lists each repeat warning once with its repeats', () => {
    const current = sampleSet([
      { p99: 10_000, warnings: ['generator saturated in phase open-200 (send lag p99 4.1 ms)'] },
      { p99: 10_000 },
      { p99: 10_000, warnings: ['generator saturated in phase open-200 (send lag p99 7.9 ms)'] },
    ], { hash: 'b'.repeat(64) });
    const outcome = evaluateGate({ baseline: sampleSet(BASE), current, config: config() });
    expect(outcome.warnings).toEqual([
      expect.stringMatching(/^the scenario changed since the baseline was made \(hash aaaaaaaaaaaa -> bbbbbbbbbbbb\)/),
      'repeats 1, 3: generator saturated in phase open-200 (send lag p99 4.1 ms)',
    ]);
  });
});

describe('evaluateGate: a machine busier with other processes', () => {
  const quiet = sampleSet(BASE.map((p99) => ({ p99, background_cores: 0.1 })));
  const busy = sampleSet(BASE.map((p99) => ({ p99: p99 * 1.5, background_cores: 2.1 })));

  it('warns and keeps the regression by default (a CI runner has no neighbours; a real regression must not hide)', () => {
    const outcome = evaluateGate({ baseline: quiet, current: busy, config: config() });
    expect(outcome.rules[0].verdict).toBe('regressed');
    expect(outcome.warnings).toContain('the machine was busier: other processes used 2.1 of 4 cores during the current repeats against 0.1 during the baseline\'s; a rise may come from them, not the change');
    expect(outcome.exit_code).toBe(1);
  });

  it('with busier_machine: inconclusive, the regression is not evidence and the gate passes, saying why', () => {
    const outcome = evaluateGate({ baseline: quiet, current: busy, config: config({ repeats: 5, confidence: 0.95, busier_machine: 'inconclusive' }) });
    expect(outcome.rules[0].verdict).toBe('inconclusive');
    expect(outcome.rules[0].reason).toMatch(/worse by more than the 10% allowed, but other processes used 2\.1 of 4 cores .* \(gate\.busier_machine: inconclusive\)$/);
    expect(outcome).toMatchObject({ verdict: 'inconclusive', exit_code: 0 });
  });

  it('says nothing within the margin (half a core, or a quarter of the cores) or when a side was not measured', () => {
    expect(busyMargin(2)).toBe(0.5);
    expect(busyMargin(16)).toBe(4);
    const slightly = sampleSet(BASE.map((p99) => ({ p99: p99 * 1.5, background_cores: 0.9 })));
    expect(evaluateGate({ baseline: quiet, current: slightly, config: config() }).warnings).toEqual([]);
    expect(evaluateGate({ baseline: sampleSet(BASE), current: busy, config: config() }).warnings).toEqual([]);
  });
});
