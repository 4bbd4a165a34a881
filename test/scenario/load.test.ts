import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.ts';
import { loadScenarioFile, PACKAGE_ROOT, parseScenario, readMalformedClasses } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/contract/scenario.ts';
import { problemsOf as refusedWith } from '../helpers/refused.ts';

const MLP_CLASSES = ['invalid_json', 'negative_dim', 'wrong_content_type'];
const options = { baseDir: '/work/scenarios', malformedClasses: (model: string) => (model === 'mlp' ? MLP_CLASSES : undefined) };

const problemsOf = (data: unknown) => refusedWith(() => parseScenario(data, 'test.yaml', options));

const steady = { kind: 'steady', duration: '5s', rate: 100 };
const withPhase = (phase: object, extra: object = {}) => ({ model: 'mlp', phases: [phase], ...extra });

describe('parseScenario refuses bad fields with the path, what was expected and what came', () => {
  it.each([
    ['the file is not an object', null, ['scenario: expected a scenario: an object with model and phases, got null']],
    ['model and phases missing', {}, [
      'model: expected a model name like mlp, or {name: mlp, version: "1"}, got nothing',
      'phases: expected a list of phases, got nothing',
    ]],
    ['no phases', { model: 'mlp', phases: [] }, ['phases: expected a list of phases, got an empty list']],
    ['a rate that is not a number', { model: 'mlp', phases: [steady, steady, { kind: 'steady', duration: 5, load: { rate: 'fast' } }] }, [
      'phases[2].load.rate: expected a positive number, got "fast"',
    ]],
    ['a negative rate', withPhase({ ...steady, rate: -5 }), ['phases[0].rate: expected a positive number, got -5']],
    ['fractional connections', withPhase({ kind: 'steady', duration: 5, connections: 2.5 }), [
      'phases[0].connections: expected an integer between 1 and 10000, got 2.5',
    ]],
    ['a typo in a field name', withPhase({ kind: 'steady', durration: '5s', rate: 1 }), [
      'phases[0].durration: unknown field, did you mean "duration"?',
    ]],
    ['a typo at the top', { ...withPhase(steady), treshold: [] }, ['treshold: unknown field, did you mean "thresholds"?']],
    ['an abbreviated field', { model: { name: 'mlp', vers: 1 }, phases: [steady] }, ['model.vers: unknown field, did you mean "version"?']],
    ['a field of another phase kind', withPhase({ ...steady, mix: { invalid_json: 5 } }), [
      'phases[0].mix: unknown field for a steady phase (mix belongs to malformed phases)',
    ]],
    ['an unknown field with no near name', { ...withPhase(steady), colour: 'blue' }, [
      expect.stringMatching(/^colour: unknown field \(expected one of \$schema, schema, name, description, target, model, /),
    ]],
    ['an unknown phase kind', withPhase({ kind: 'soak', duration: 5 }), [
      'phases[0].kind: expected one of warmup, steady, ramp, malformed, shutdown, flap, aborts, slow-clients, overload, got "soak"',
    ]],
    ['a phase without kind', withPhase({ duration: 5 }), [
      'phases[0].kind: expected one of warmup, steady, ramp, malformed, shutdown, flap, aborts, slow-clients, overload, got nothing',
    ]],
    ['a duration in parsecs', withPhase({ ...steady, duration: '3 parsecs' }), [
      'phases[0].duration: expected a duration like 30s, 500ms or 2m, or a number of seconds, got "3 parsecs"',
    ]],
    ['a zero duration', withPhase({ ...steady, duration: '0s' }), ['phases[0].duration: expected a positive duration, got "0s"']],
    ['a duration given twice', withPhase({ ...steady, duration_s: 5 }), [
      'phases[0].duration_s: same as duration: give one of duration or duration_s, not both',
    ]],
    ['a phase that never ends', withPhase({ kind: 'steady', rate: 5 }), [
      'phases[0]: expected a duration (like 15s) or a request count (requests), got neither',
    ]],
    ['rate and connections at once', withPhase({ ...steady, connections: 4 }), [
      'phases[0]: give rate (open loop) or connections (closed loop), not both',
    ]],
    ['a load written twice', withPhase({ ...steady, load: { rate: 5 } }), ['phases[0].rate: the phase also has load: give the load in one place']],
    ['an open load without rate', withPhase({ kind: 'steady', duration: 5, load: { mode: 'open' } }), [
      'phases[0].load.rate: expected a positive number (requests per second) for an open loop, got nothing',
    ]],
    ['closed-loop fields on an open load', withPhase({ kind: 'steady', duration: 5, load: { mode: 'open', rate: 5, pipelining: 2 } }), [
      'phases[0].load.pipelining: only for a closed loop (this load is open)',
    ]],
    ['open-loop fields on a closed load', withPhase({ kind: 'steady', duration: 5, connections: 4, max_in_flight: 10 }), [
      'phases[0].max_in_flight: only for an open loop (this load is closed)',
    ]],
    ['a closed-loop overload', withPhase({ kind: 'overload', duration: 5, connections: 64 }), [
      'phases[0].connections: an overload phase is an open loop: give rate instead',
    ]],
    ['repeated phase names', { model: 'mlp', phases: [{ ...steady, name: 'a' }, { ...steady, name: 'a' }] }, [
      'phases[1].name: "a" is already the name of phases[0]',
    ]],
    ['a phase name with spaces', withPhase({ ...steady, name: 'my phase' }), [
      'phases[0].name: expected a name of letters, digits, \'.\', \'_\' or \'-\', got "my phase"',
    ]],
    ['a signal after the phase ends', withPhase({ kind: 'shutdown', duration: '6s', rate: 10, signal_at: '8s' }), [
      'phases[0].signal_at: expected a time within the phase\'s 6s, got "8s"',
    ]],
    ['a signal after the phase ends, in seconds', withPhase({ kind: 'shutdown', duration: 6, rate: 10, signal_at_s: 6 }), [
      'phases[0].signal_at_s: expected a time within the phase\'s 6s, got 6',
    ]],
    ['a shutdown phase without duration', withPhase({ kind: 'shutdown', requests: 100, rate: 10 }), [
      'phases[0].duration: expected a duration like 6s for a shutdown phase (the signal is sent within it), got nothing',
    ]],
    ['a shutdown of a server the harness cannot signal', withPhase({ kind: 'shutdown', duration: 6, rate: 10 }, { target: { url: 'http://127.0.0.1:8000' } }), [
      'phases[0]: a shutdown phase signals the server process: use an embedded or command target, or give target.pid',
    ]],
    ['a phase after shutdown', { model: 'mlp', phases: [{ kind: 'shutdown', duration: 6, rate: 10 }, steady] }, [
      'phases[0]: a shutdown phase stops the server, so it must be the last phase (phases[1] follows)',
    ]],
    ['a mix over 100%', withPhase({ kind: 'malformed', duration: 5, rate: 10, mix: { invalid_json: 60, negative_dim: '50%' } }), [
      'phases[0].mix: expected percentages that add up to at most 100, got 110',
    ]],
    ['a mistyped malformed class', withPhase({ kind: 'malformed', duration: 5, rate: 10, mix: { negativ_dim: 5 } }), [
      'phases[0].mix.negativ_dim: unknown malformed class for model mlp, did you mean "negative_dim"?',
    ]],
    ['an unknown malformed class', withPhase({ kind: 'malformed', duration: 5, rate: 10, mix: { zebra: 5 } }), [
      'phases[0].mix.zebra: unknown malformed class for model mlp, expected one of invalid_json, negative_dim, wrong_content_type',
    ]],
    ['a malformed phase without mix', withPhase({ kind: 'malformed', duration: 5, rate: 10 }), [
      'phases[0].mix: expected a map of malformed class to percentage, like {invalid_json: 5}, got nothing',
    ]],
    ['a percentage in words', withPhase({ kind: 'malformed', duration: 5, rate: 10, mix: { invalid_json: 'some' } }), [
      'phases[0].mix.invalid_json: expected a percentage like 30% or a number between 0 and 100, got "some"',
    ]],
    ['a flap longer than its period', withPhase({ kind: 'flap', duration: 10, rate: 10, down: '5s', every: '4s' }), [
      'phases[0].down: expected a cut shorter than the time between cuts (4s), got 5s',
    ]],
    ['shares over 1', withPhase({ kind: 'aborts', duration: 10, rate: 10, abort_share: '80%', slow_share: 0.5 }), [
      'phases[0].slow_share: expected abort_share + slow_share <= 1, got 1.3',
    ]],
    ['a share above 100%', withPhase({ kind: 'aborts', duration: 10, rate: 10, abort_share: '150%' }), [
      'phases[0].abort_share: expected a ratio between 0 and 1 or a percentage like 10%, got "150%"',
    ]],
    ['a ramp mixing rates and connections', withPhase({ kind: 'ramp', steps: [{ rate: 10, duration: 2 }, { connections: 3, duration: 1 }] }), [
      'phases[0].steps[1].connections: only for a closed ramp: the steps of an open ramp give rate',
    ]],
    ['a ramp step without duration', withPhase({ kind: 'ramp', steps: [{ rate: 10 }] }), [
      'phases[0].steps[0].duration: expected a duration like 30s, 500ms or 2m, or a number of seconds, got nothing',
    ]],
    ['a ramp whose duration disagrees with its steps', withPhase({ kind: 'ramp', duration: '5s', steps: [{ rate: 10, duration: '2s' }] }), [
      'phases[0].duration: expected the sum of the steps (2s) or nothing, got "5s"',
    ]],
    ['a bad threshold', { ...withPhase(steady), thresholds: ['p99 < 50ms', 'p99 < fast'] }, [
      'thresholds[1]: "p99 < fast": expected a duration like 50ms',
    ]],
    ['a bad phase threshold', withPhase({ ...steady, thresholds: 'latency < 5ms' }), [
      'phases[0].thresholds: "latency < 5ms": unknown metric "latency", expected one of min, mean, p50, p90, p95, p99, p999, max, error_rate, throughput, rps',
    ]],
    ['url fields on an embedded target', withPhase(steady, { target: { kind: 'embedded', url: 'http://127.0.0.1:1' } }), [
      'target.url: only for a url or command target (this target is embedded)',
    ]],
    ['a url target without url', withPhase(steady, { target: { kind: 'url' } }), ['target.url: expected a URL like http://127.0.0.1:8000, got nothing']],
    ['a url that is not one', withPhase(steady, { target: { url: 'localhost:8000' } }), [
      'target.url: expected a URL like http://127.0.0.1:8000, got "localhost:8000"',
    ]],
    ['an unknown protocol', withPhase(steady, { target: { url: 'http://127.0.0.1:1', protocol: 'grpc' } }), [
      'target.protocol: expected one of kserve-v2, torchserve, got "grpc"',
    ]],
    ['a server setting that is an object', withPhase(steady, { target: { server: { workers: { n: 2 } } } }), [
      'target.server.workers: expected a string, number, boolean or list of integers, got {"n":2}',
    ]],
    ['a batch of zero', withPhase(steady, { payload: { batch: 0 } }), ['payload.batch: expected an integer between 1 and 4096, got 0']],
  ])('%s', (_label, data, expected) => {
    expect(problemsOf(data)).toEqual(expected);
  });

  it('lists every problem at once, in file order', () => {
    const data = {
      model: 'mlp',
      phases: [{ kind: 'steady', durration: 5, rate: 5 }, { kind: 'steady', duration: 5, load: { rate: 'fast' } }],
      request_timeout: 'soon',
    };
    expect(problemsOf(data)).toEqual([
      'phases[0].durration: unknown field, did you mean "duration"?',
      'phases[1].load.rate: expected a positive number, got "fast"',
      'request_timeout: expected a duration like 30s, 500ms or 2m, or a number of seconds, got "soon"',
    ]);
  });

  it('throws a ScenarioError with a stable code and a message listing the problems', () => {
    const error = (() => {
      try {
        parseScenario(withPhase({ kind: 'steady', duration: 5, rate: 0 }), 'bad.yaml');
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error).toMatchObject({ code: 'SB_ERR_SCENARIO', source: 'bad.yaml' });
    expect((error as Error).message).toBe('bad.yaml: invalid scenario (1 problem):\n  phases[0].rate: expected a positive number, got 0');
  });
});

describe('parseScenario fills every default', () => {
  it('turns the smallest scenario into a complete one', () => {
    const scenario = parseScenario({ model: 'mlp', phases: [{ kind: 'steady', duration: '15s' }] }, 'scenarios/smallest.yaml', options);
    expect(scenario).toEqual({
      schema: 'servebench.scenario/v1',
      name: 'smallest',
      target: { kind: 'embedded', models_dir: path.join(PACKAGE_ROOT, 'models'), server: {}, ready_timeout_ms: 60_000 },
      model: { name: 'mlp' },
      payload: { encoding: 'json', batch: 1, seed: 1, variants: 8 },
      phases: [{ name: 'steady', kind: 'steady', duration_s: 15, thresholds: [], load: { mode: 'closed', connections: 8, pipelining: 1 } }],
      thresholds: [],
      sampling: { interval_ms: 1000 },
      request_timeout_ms: 10_000,
    } satisfies Scenario);
  });

  it('fills the defaults of each fault phase', () => {
    const scenario = parseScenario({
      model: 'mlp',
      phases: [
        { kind: 'malformed', duration: 5, rate: 10, mix: { invalid_json: '5%' } },
        { kind: 'flap', duration: 5, rate: 10 },
        { kind: 'aborts', duration: 5, rate: 10 },
        { kind: 'overload', requests: 1000, rate: 2000 },
        { kind: 'shutdown', duration: '6s', rate: 10 },
      ],
    }, 'x.yaml', options);
    const [malformed, flap, aborts, overload, shutdown] = scenario.phases;
    expect(malformed).toMatchObject({ kind: 'malformed', mix: { invalid_json: 5 } });
    expect(flap).toMatchObject({ kind: 'flap', down_ms: 500, every_s: 5 });
    expect(aborts).toMatchObject({ kind: 'aborts', abort_share: 0.1, slow_share: 0.05, slow_bytes_per_s: 1024 });
    expect(overload).toMatchObject({ kind: 'overload', requests: 1000, load: { mode: 'open', rate: 2000, max_in_flight: 1024 } });
    expect(overload).not.toHaveProperty('duration_s');
    expect(shutdown).toMatchObject({ kind: 'shutdown', signal_at_s: 3, signal: 'SIGTERM', drain_deadline_ms: 30_000 });
  });

  it('names phases by kind, numbering repeats around explicit names', () => {
    const scenario = parseScenario({
      model: 'mlp',
      phases: [{ kind: 'warmup', duration: 1 }, { kind: 'steady', duration: 1, name: 'steady-2' }, { kind: 'steady', duration: 1 }, { kind: 'steady', duration: 1 }],
    }, 'x.yaml');
    expect(scenario.phases.map((p) => p.name)).toEqual(['warmup', 'steady-2', 'steady', 'steady-3']);
  });

  it('takes durations as strings with units, seconds, or the resolved names in their own unit', () => {
    const scenario = parseScenario({
      model: { name: 'mlp', version: 1 },
      target: { ready_timeout: '2m' },
      request_timeout_ms: 2500,
      sampling: { interval: '500ms' },
      phases: [
        { kind: 'steady', duration: 1.5, rate: 1 },
        { kind: 'flap', duration_s: 90, rate: 1, down_ms: 250, every: '1m' },
        { kind: 'shutdown', duration: '10s', rate: 1, signal_at_s: 2, drain_deadline: '1.5s' },
      ],
    }, 'x.yaml');
    expect(scenario.model).toEqual({ name: 'mlp', version: '1' });
    expect(scenario.target).toMatchObject({ ready_timeout_ms: 120_000 });
    expect(scenario.request_timeout_ms).toBe(2500);
    expect(scenario.sampling.interval_ms).toBe(500);
    expect(scenario.phases.map((p) => p.duration_s)).toEqual([1.5, 90, 10]);
    expect(scenario.phases[1]).toMatchObject({ down_ms: 250, every_s: 60 });
    expect(scenario.phases[2]).toMatchObject({ signal_at_s: 2, drain_deadline_ms: 1500 });
  });

  it('resolves a url target, defaulting the protocol and trimming the trailing slash', () => {
    const scenario = parseScenario({ model: 'resnet', target: { url: 'http://127.0.0.1:8000/', pid: 1234 }, phases: [steady] }, 'x.yaml');
    expect(scenario.target).toEqual({ kind: 'url', url: 'http://127.0.0.1:8000', protocol: 'kserve-v2', pid: 1234, ready_timeout_ms: 60_000 });
  });

  it('resolves a given models_dir against the scenario file\'s folder, the default against the package', () => {
    const given = parseScenario({ model: 'mlp', target: { models_dir: '../my-models' }, phases: [steady] }, 'x.yaml', options);
    expect(given.target).toMatchObject({ models_dir: path.resolve('/work/scenarios', '../my-models') });
    const fallback = parseScenario({ model: 'mlp', phases: [steady] }, 'x.yaml', options);
    expect(fallback.target).toMatchObject({ models_dir: path.join(PACKAGE_ROOT, 'models') });
  });

  it('passes the sections of other commands through untouched', () => {
    const soak = { duration: '8h', memory_limit: '4GiB' };
    const scenario = parseScenario({ model: 'mlp', phases: [steady], soak }, 'x.yaml');
    expect(scenario.soak).toEqual(soak);
    expect(scenario).not.toHaveProperty('sweep');
  });
});

describe('load shorthand', () => {
  it('reads rate on a phase as an open loop and connections as a closed loop', () => {
    const scenario = parseScenario({
      model: 'mlp',
      phases: [{ kind: 'steady', duration: 1, rate: 200 }, { kind: 'steady', duration: 1, connections: 4, pipelining: 2 }, { kind: 'steady', duration: 1, rate: 50, max_in_flight: 16 }],
    }, 'x.yaml');
    expect(scenario.phases.map((p) => (p.kind === 'ramp' ? undefined : p.load))).toEqual([
      { mode: 'open', rate: 200, max_in_flight: 1024 },
      { mode: 'closed', connections: 4, pipelining: 2 },
      { mode: 'open', rate: 50, max_in_flight: 16 },
    ]);
  });

  it('means the same as the load object it abbreviates', () => {
    const short = parseScenario({ model: 'mlp', phases: [{ kind: 'steady', duration: 1, rate: 200 }] }, 'x.yaml');
    const long = parseScenario({ model: 'mlp', phases: [{ kind: 'steady', duration: 1, load: { mode: 'open', rate: 200 } }] }, 'x.yaml');
    expect(short).toEqual(long);
  });

  it('infers a ramp\'s mode from its steps and its duration from their sum', () => {
    const scenario = parseScenario({
      model: 'mlp',
      phases: [{ kind: 'ramp', steps: [{ connections: 2, duration: '5s' }, { connections: 8, duration_s: 2.5 }] }],
    }, 'x.yaml');
    expect(scenario.phases[0]).toEqual({
      name: 'ramp', kind: 'ramp', duration_s: 7.5, thresholds: [], mode: 'closed', max_in_flight: 1024,
      steps: [{ connections: 2, duration_s: 5 }, { connections: 8, duration_s: 2.5 }],
    });
  });
});

describe('a resolved scenario is itself a valid scenario file', () => {
  it('loads again to the same scenario (results.json can be run again)', () => {
    const first = parseScenario({
      model: { name: 'mlp', version: '1' },
      target: { url: 'http://127.0.0.1:9000', pid: 42 },
      payload: { encoding: 'binary', fixture: 'fixtures/x.json' },
      thresholds: 'p99 < 50ms',
      phases: [
        { kind: 'warmup', duration: '2s', connections: 2 },
        { kind: 'ramp', steps: [{ rate: 10, duration: 1 }, { rate: 20, duration: '500ms' }], requests: 50 },
        { kind: 'malformed', duration: 1, rate: 5, mix: { invalid_json: '10%' } },
        { kind: 'flap', duration: 1, rate: 5, down: '100ms', every: '500ms' },
        { kind: 'aborts', duration: 1, rate: 5, slow_bytes_per_s: '2KiB' },
        { kind: 'overload', duration: 1, rate: 500 },
        { kind: 'shutdown', duration: 3, rate: 5, signal_at: '1s', thresholds: ['error_rate < 1%'] },
      ],
    }, 'x.yaml', options);
    const second = parseScenario(JSON.parse(JSON.stringify(first)), 'y.yaml', options);
    expect(second).toEqual(first);
  });
});

describe('loadScenarioFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sb-scenario-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function refusal(name: string, text: string): Promise<ScenarioError> {
    const file = path.join(dir, name);
    await writeFile(file, text);
    const err = await loadScenarioFile(file).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    return err as ScenarioError;
  }

  it('reads YAML, names the scenario after the file and resolves models_dir beside it', async () => {
    const file = path.join(dir, 'nightly.yaml');
    await writeFile(file, 'model: mlp\ntarget:\n  models_dir: ./repo\nphases:\n  - kind: steady\n    duration: 2s\n    rate: 10\n');
    const { scenario, file: loaded } = await loadScenarioFile(file);
    expect(loaded).toBe(file);
    expect(scenario.name).toBe('nightly');
    expect(scenario.target).toMatchObject({ models_dir: path.join(dir, 'repo') });
  });

  it('reads JSON by extension', async () => {
    const file = path.join(dir, 'ci.json');
    await writeFile(file, JSON.stringify({ $schema: './schema.json', model: 'mlp', phases: [steady] }));
    const { scenario } = await loadScenarioFile(file);
    expect(scenario.phases[0]).toMatchObject({ duration_s: 5, load: { rate: 100 } });
  });

  it('points each problem at its line', async () => {
    const err = await refusal('bad.yaml', 'model: mlp\nphases:\n  - kind: steady\n    duration: 5s\n    load:\n      rate: fast\n');
    expect(err.problems).toEqual(['phases[0].load.rate: expected a positive number, got "fast"']);
    expect(err.issues[0]).toMatchObject({ line: 6, column: 7 });
    expect(err.message).toContain('phases[0].load.rate: expected a positive number, got "fast" (line 6, column 7)');
  });

  it('reports YAML syntax errors with line and column', async () => {
    const err = await refusal('broken.yaml', 'model: mlp\nphases: [\n  kind: steady: 5\n');
    expect(err.issues.length).toBeGreaterThan(0);
    expect(err.problems[0]).toMatch(/^not valid YAML: /);
    expect(err.issues[0].line).toBe(3);
  });

  it('says so when the file is empty', async () => {
    const err = await refusal('empty.yaml', '# nothing yet\n');
    expect(err.problems).toEqual(['the file is empty: a scenario needs at least model and phases']);
  });

  it('refuses a file with several YAML documents', async () => {
    const err = await refusal('two.yaml', 'model: mlp\n---\nmodel: cnn\n');
    expect(err.problems).toEqual(['not valid YAML: a scenario file holds one document; remove the second ---']);
  });

  it('reports JSON syntax errors with line and column', async () => {
    const err = await refusal('broken.json', '{\n  "model": "mlp",\n}');
    expect(err.problems[0]).toMatch(/^not valid JSON: /);
    expect(err.issues[0]).toMatchObject({ line: 3, column: 1 });
  });

  it('says when the file cannot be read', async () => {
    const err = await loadScenarioFile(path.join(dir, 'missing.yaml')).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).problems).toEqual(['cannot read the scenario file (ENOENT); check the path, e.g. scenarios/quick.yaml']);
  });

  it('checks malformed classes against the model\'s corpus, and tolerates a model without one', async () => {
    const err = await refusal('m.yaml', 'model: mlp\nphases:\n  - kind: malformed\n    duration: 1\n    rate: 5\n    mix: { invalid_jsn: 5 }\n');
    expect(err.problems).toEqual(['phases[0].mix.invalid_jsn: unknown malformed class for model mlp, did you mean "invalid_json"?']);
    const file = path.join(dir, 'other.yaml');
    await writeFile(file, 'model: resnet\nphases:\n  - kind: malformed\n    duration: 1\n    rate: 5\n    mix: { anything: 5 }\n');
    await expect(loadScenarioFile(file)).resolves.toMatchObject({ scenario: { phases: [{ mix: { anything: 5 } }] } });
  });
});

describe('readMalformedClasses', () => {
  it('lists the classes of the mlp corpus once each', () => {
    const classes = readMalformedClasses('mlp');
    expect(classes).toContain('invalid_json');
    expect(classes).toContain('negative_dim');
    expect(new Set(classes).size).toBe(classes?.length);
  });

  it('is undefined for a model without a corpus, or a name that is not a file name', () => {
    expect(readMalformedClasses('no-such-model')).toBeUndefined();
    expect(readMalformedClasses('../mlp')).toBeUndefined();
  });
});
