import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATE_CONFIG_DEFAULTS, GATE_SCHEMA, parseGateConfig } from '../../src/gate/config.ts';
import { loadGateScenario } from '../../src/gate/scenario.ts';
import { ScenarioError } from '../../src/scenario/errors.ts';
import { REPO_ROOT } from '../helpers/servers.ts';

function problemsOf(section: unknown): string[] {
  try {
    parseGateConfig(section, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return [...(err as ScenarioError).problems];
  }
  throw new Error('expected a ScenarioError');
}

describe('the gate section', () => {
  it('defaults to 3 repeats, "p99 may rise at most 10%", a 90% interval, thresholds on the median, inconclusive passing', () => {
    const config = parseGateConfig(undefined, 'test.yaml');
    expect(config.repeats).toBe(3);
    expect(config.rules.map((r) => r.expression)).toEqual(['p99 may rise at most 10%']);
    expect(config.rules[0]).toMatchObject({ metric: 'p99', direction: 'rise', tolerance: 0.1, mode: 'relative' });
    expect(config).toMatchObject({ confidence: 0.9, thresholds_on: 'median', fail_on_inconclusive: false, busier_machine: 'warn' });
    expect(GATE_CONFIG_DEFAULTS.repeats).toBe(3);
  });

  it('reads every field, a percentage confidence and a single rule written as a string', () => {
    const config = parseGateConfig({ repeats: 5, confidence: '95%', rules: 'throughput may drop at most 5%', thresholds_on: 'every_repeat', fail_on_inconclusive: true, busier_machine: 'inconclusive' }, 'test.yaml');
    expect(config.repeats).toBe(5);
    expect(config.busier_machine).toBe('inconclusive');
    expect(config.confidence).toBe(0.95);
    expect(config.rules).toEqual([{ expression: 'throughput may drop at most 5%', metric: 'throughput', direction: 'drop', tolerance: 0.05, mode: 'relative' }]);
    expect(config.thresholds_on).toBe('every_repeat');
    expect(config.fail_on_inconclusive).toBe(true);
  });

  it('reports every problem at once, each with its field path', () => {
    const problems = problemsOf({ repeats: 0, rules: ['p99 may rise at most 10%', 'p99 may fall at most 10%', 42], confidence: 1.5, thresholds_on: 'mean', fail_on_inconclusive: 'yes', confdence: 0.9 });
    expect(problems).toEqual(expect.arrayContaining([
      'gate.confdence: unknown field, did you mean "confidence"?',
      'gate.repeats: expected an integer between 1 and 100, got 0',
      expect.stringMatching(/^gate\.rules\[1\]: "p99 may fall at most 10%": p99 is worse when it rises; write "p99 may rise at most 10%"/),
      'gate.rules[2]: expected a rule like "p99 may rise at most 10%", got 42',
      'gate.confidence: expected a level between 0 and 1 (exclusive) or a percentage like 95%, got 1.5',
      'gate.thresholds_on: expected one of median, every_repeat, got "mean"',
      'gate.fail_on_inconclusive: expected true or false, got "yes"',
    ]));
    expect(problems).toHaveLength(7);
  });

  it('refuses an empty rule list, a non-object section and a plain-string confidence', () => {
    expect(problemsOf({ rules: [] })).toEqual(['gate.rules: expected at least one rule, e.g. "p99 may rise at most 10%"']);
    expect(problemsOf(3)[0]).toMatch(/^gate: expected an object like \{repeats: 3/);
    expect(problemsOf({ confidence: '0.95' })[0]).toMatch(/^gate\.confidence: expected a level/);
    expect(problemsOf({ rules: ['latency may rise at most 5%'] })[0]).toMatch(/^gate\.rules\[0\]: "latency may rise at most 5%": unknown metric "latency"/);
  });
});

describe('the gate section JSON Schema fragment', () => {
  // The scenario loader's own ajv settings (src/scenario/validate.ts): strict, with VS Code's message keywords.
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true });
  ajv.addVocabulary(['errorMessage', 'patternErrorMessage']);
  const validate = ajv.compile(GATE_SCHEMA);

  it('compiles under the loader\'s strict settings, accepts what the parser accepts and refuses what it refuses', () => {
    const good = [{}, { repeats: 5, confidence: '95%', rules: ['p99 may rise at most 10%'] }, { rules: 'p50 may rise at most 5%', confidence: 0.8, thresholds_on: 'every_repeat', fail_on_inconclusive: true }];
    for (const section of good) {
      expect(validate(section), JSON.stringify(validate.errors)).toBe(true);
      expect(() => parseGateConfig(section, 'x')).not.toThrow();
    }
    const bad = [{ repeats: 0 }, { repeats: 2.5 }, { rules: [] }, { confidence: 1 }, { thresholds_on: 'mean' }, { fail_on_inconclusive: 'no' }, { busier_machine: 'fail' }, { extra: 1 }, { rules: ['fast please'] }];
    for (const section of bad) {
      expect(validate(section), JSON.stringify(section)).toBe(false);
      expect(() => parseGateConfig(section, 'x'), JSON.stringify(section)).toThrow(ScenarioError);
    }
  });
});

describe('loadGateScenario', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'servebench-gate-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads scenarios/gate.yaml: embedded mlp at a fixed open-loop rate, 5 repeats, p99 rule first', async () => {
    const { scenario, config } = await loadGateScenario(join(REPO_ROOT, 'scenarios', 'gate.yaml'));
    expect(scenario.target.kind).toBe('embedded');
    expect(scenario.phases.filter((p) => p.kind === 'steady').every((p) => p.kind === 'steady' && p.load.mode === 'open')).toBe(true);
    expect(config.repeats).toBe(5);
    expect(config.rules[0].expression).toBe('p99 may rise at most 10%');
  });

  it('points a gate section problem at its line in the file', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, ['model: mlp', 'phases:', '  - kind: steady', '    duration: 1s', '    rate: 10', 'gate:', '  repeats: 3', '  rules:', '    - p99 may rise a lot', ''].join('\n'));
    const err = await loadGateScenario(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).issues[0]).toMatchObject({ path: 'gate.rules[0]', line: 9 });
    expect((err as ScenarioError).message).toContain('bad.yaml: invalid scenario (1 problem)');
  });
});
