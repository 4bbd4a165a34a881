import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { isScenarioError } from '../../src/scenario/errors.ts';
import { loadTuneScenario, parseSweepSection, SWEEP_SCHEMA } from '../../src/tune/sweepSection.ts';
import { REPO_ROOT } from '../helpers/servers.ts';
import { problemsOf as refusedWith } from '../helpers/refused.ts';

const problems = (raw: unknown, thresholds: string[] = []) => [...refusedWith(() => parseSweepSection(raw, 'test.yaml', { thresholds }))];

describe('the sweep section', () => {
  it('reads knobs, durations with units, the SLO and the defaults', () => {
    const spec = parseSweepSection(
      { strategy: 'grid', knobs: { workers: [1, 2], max_batch_size: 16, max_batch_delay: [0, '500us', '2ms'] }, slo: 'p99 < 20ms', step: '1.5s', warmup: 0, precision: '5%' },
      'test.yaml',
      { thresholds: ['p99 < 100ms', 'error_rate < 0.5%'] },
    );
    expect(spec.knobs).toEqual({ workers: [1, 2], max_batch_size: [16], max_batch_delay_us: [0, 500, 2000] });
    expect(spec.strategy).toBe('grid');
    // The sweep's own p99 wins; the error limit it does not state comes from the scenario's thresholds.
    expect(spec.slo).toEqual({ p99Us: 20_000, errorRate: 0.005, expressions: ['p99 < 20ms', 'error_rate < 0.5%'] });
    expect([spec.stepS, spec.warmupS, spec.precision]).toEqual([1.5, 0, 0.05]);
    expect(spec.objective).toBe('max-rate');
    expect(spec.repeats).toBeGreaterThanOrEqual(1);
  });

  it('defaults the SLO to p99 < 50ms and error_rate < 1% when neither the sweep nor the scenario says', () => {
    const spec = parseSweepSection({ knobs: { workers: [1, 2] } }, 'test.yaml');
    expect(spec.slo).toMatchObject({ p99Us: 50_000, errorRate: 0.01 });
    expect(spec.strategy).toBe('adaptive');
    expect(parseSweepSection({ knobs: { workers: [1] } }, 'test.yaml', { thresholds: ['p(99) < 80ms', 'throughput > 5/s'] }).slo.p99Us).toBe(80_000);
  });

  it('reports every problem at once, each with its field path', () => {
    const list = problems({
      stratgy: 'grid',
      knobs: { workers: [1, 0], max_batch_size: [16, 16], max_batch_delay: ['2ms'], max_batch_delay_us: [0], batch: [1] },
      objective: 'min-p99',
      slo: ['throughput > 5/s', 'p99 < fast'],
      step: 'soon',
      max_steps: 1,
      reconfigure: 'reload',
    });
    expect(list).toEqual(expect.arrayContaining([
      'sweep.stratgy: unknown field, did you mean "strategy"?',
      'sweep.knobs.workers[1]: expected an integer between 1 and 64, got 0',
      'sweep.knobs.max_batch_size[1]: 16 is listed twice',
      'sweep.knobs.max_batch_delay_us: same as max_batch_delay: give one of max_batch_delay or max_batch_delay_us, not both',
      expect.stringMatching(/^sweep\.knobs\.batch: unknown field/),
      expect.stringMatching(/^sweep\.rate: missing: objective min-p99 needs the arrival rate/),
      'sweep.slo[0]: "throughput > 5/s": a sweep searches on "p99 < ..." and "error_rate < ..." only',
      expect.stringMatching(/^sweep\.slo\[1\]: "p99 < fast": expected a duration like 50ms/),
      expect.stringMatching(/^sweep\.step: /),
      'sweep.max_steps: expected an integer >= 2, got 1',
      'sweep.reconfigure: expected restart or api, got "reload"',
    ]));
    expect(list).toHaveLength(11);
  });

  it('refuses a bare number as a batch delay with a unit-less meaning, and a missing section', () => {
    expect(problems({ knobs: { max_batch_delay: [0, 2] } })).toEqual([
      'sweep.knobs.max_batch_delay[1]: expected a duration with its unit like 500us or 2ms, got 2 (or use max_batch_delay_us for microseconds)',
    ]);
    expect(problems(undefined)[0]).toMatch(/^sweep: missing: servebench tune needs a sweep section/);
    expect(problems({ strategy: 'grid' })).toEqual(['sweep.knobs: missing: list the knob values to try, e.g. knobs: {max_batch_size: [0, 16]}']);
  });
});

describe('the sweep JSON Schema fragment', () => {
  // As the scenario loader compiles the whole scenario schema (src/scenario/validate.ts).
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  ajv.addVocabulary(['errorMessage', 'patternErrorMessage']);
  const validate = ajv.compile(SWEEP_SCHEMA);
  const messages = (data: unknown): string[] => {
    validate(data);
    return (validate.errors ?? []).map((e) => `${e.instancePath}: ${String((e.parentSchema as { errorMessage?: string }).errorMessage)}`);
  };

  it('accepts the example scenario\'s sweep and refuses what the validator refuses', () => {
    const example = parse(readFileSync(join(REPO_ROOT, 'scenarios/tune-mlp.yaml'), 'utf8')) as { sweep: unknown };
    expect(validate(example.sweep), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ knobs: { workers: [0] } })).toBe(false);
    expect(validate({ knobs: { workers: [1] }, stratgy: 'grid' })).toBe(false);
    expect(validate({ knobs: {} })).toBe(false);
    expect(validate({ knobs: { max_batch_delay: [0, '500us', '2ms'], workers: 2 }, slo: 'p99 < 20ms', precision: '10%', rate: '500/s' })).toBe(true);
  });

  it('carries the messages the scenario loader shows, the same as the validator\'s', () => {
    expect(messages({ knobs: { workers: [1, 0] } })).toEqual(['/knobs/workers/1: expected an integer between 1 and 64']);
    expect(messages({ knobs: { max_batch_delay: [0, 2] } })).toContain('/knobs/max_batch_delay/1: expected a duration with its unit like 500us or 2ms, or 0');
    expect(messages({ knobs: { workers: 1 }, strategy: 'random' })).toEqual(['/strategy: expected grid or adaptive']);
  });
});

describe('loadTuneScenario', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-sweep-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads scenarios/tune-mlp.yaml', async () => {
    const { scenario, spec } = await loadTuneScenario(join(REPO_ROOT, 'scenarios/tune-mlp.yaml'));
    expect(scenario.model.name).toBe('mlp');
    expect(spec.strategy).toBe('adaptive');
    expect(spec.knobs.max_batch_delay_us).toEqual([0, 500, 2000]);
  });

  it('reports the scenario\'s problems and the sweep\'s in one pass, not one after the other', async () => {
    const file = join(dir, 'both.yaml');
    writeFileSync(file, ['model: mlp', 'phases:', '  - kind: steady', '    duration: 1s', '    rate: fast', 'sweep:', '  knobs: {workers: [0]}', '  stratgy: grid', ''].join('\n'));
    const err = await loadTuneScenario(file).catch((e: unknown) => e);
    expect(isScenarioError(err) && err.problems).toEqual([
      'phases[0].rate: expected a positive number, got "fast"',
      'sweep.knobs.workers[0]: expected an integer between 1 and 64, got 0',
      'sweep.stratgy: unknown field, did you mean "strategy"?',
    ]);
  });

  it('gives the line of a bad sweep field', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, ['model: mlp', 'phases:', '  - kind: steady', '    duration: 1s', 'sweep:', '  knobs:', '    workers: [1, -2]', ''].join('\n'));
    const err = await loadTuneScenario(file).catch((e: unknown) => e);
    expect(isScenarioError(err)).toBe(true);
    if (!isScenarioError(err)) return;
    expect(err.issues[0]).toMatchObject({ path: 'sweep.knobs.workers[1]', line: 7 });
  });
});
