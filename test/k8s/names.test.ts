// Kubernetes' DNS-1123 name rules, and the default run id that meets them.
import { describe, expect, it } from 'vitest';
import { defaultRunId, dns1123LabelProblem, dns1123SubdomainProblem, MAX_RUN_ID_LENGTH } from '../../src/k8s/names.ts';

describe('Kubernetes names', () => {
  it.each(['a', 'load-tests', '0abc9', 'x'.repeat(63)])('%s is a label', (name) => expect(dns1123LabelProblem(name)).toBeUndefined());
  it.each(['', 'Load', 'a_b', '-a', 'a-', 'a.b', 'x'.repeat(64)])('%j is not a label', (name) => expect(dns1123LabelProblem(name)).toBeDefined());
  it.each(['a.b', 'servebench-results', 'a.b-c.d'])('%s is a subdomain', (name) => expect(dns1123SubdomainProblem(name)).toBeUndefined());
  it.each(['a..b', '.a', 'A.b', 'a_b', 'x'.repeat(254)])('%j is not a subdomain', (name) => expect(dns1123SubdomainProblem(name)).toBeDefined());

  it('a default run id is a label of the scenario\'s name and the UTC time, short enough for every suffix', () => {
    const now = new Date('2026-12-07T09:58:07.123Z');
    expect(defaultRunId('quick', now)).toBe('quick-20261207-095807');
    expect(defaultRunId('My_Scenario v2!', now)).toBe('my-scenario-v2-20261207-095807');
    expect(defaultRunId('---', now)).toBe('servebench-20261207-095807');
    const long = defaultRunId('x'.repeat(200), now);
    expect(long.length).toBeLessThanOrEqual(MAX_RUN_ID_LENGTH);
    expect(dns1123LabelProblem(long, MAX_RUN_ID_LENGTH)).toBeUndefined();
  });
});
