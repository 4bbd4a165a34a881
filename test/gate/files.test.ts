import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATE_BASELINE_SCHEMA, parseSampleData } from '../../src/gate/baseline.ts';
import type { ServebenchError } from '../../src/contract/errors.ts';
import { readSampleSet, writeSampleSet } from '../../src/gate/files.ts';
import { backgroundCores, scenarioHash, stableStringify } from '../../src/gate/sample.ts';
import type { PhaseResult } from '../../src/contract/results.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { runResults, sampleSet } from './fixtures.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'servebench-gate-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const errorOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a ServebenchError'); }, (e: unknown) => e as ServebenchError);

describe('the baseline file', () => {
  it('round-trips: versioned, with the scenario hash, the machine and every repeat', async () => {
    const file = join(dir, 'ci', 'baseline.json');
    const set = sampleSet([10_000, 11_000, 10_500]);
    await writeSampleSet(file, set);
    const data = JSON.parse(await readFile(file, 'utf8'));
    expect(data.schema).toBe(GATE_BASELINE_SCHEMA);
    expect(Object.keys(data.environment)).toEqual(expect.arrayContaining(['cpu_model', 'cores', 'memory_bytes', 'node', 'onnxruntime', 'git_commit']));
    expect(await readSampleSet(file, 'baseline')).toEqual(set);
  });

  it('a missing baseline is SB_ERR_GATE_NO_BASELINE, which says to run with --update-baseline', async () => {
    const err = await errorOf(readSampleSet(join(dir, 'nope.json'), 'baseline'));
    expect(err.code).toBe('SB_ERR_GATE_NO_BASELINE');
    expect(err.message).toMatch(/does not exist; run with --update-baseline to create one$/);
  });

  it('refuses other JSON, a newer format, bad numbers and a run that could not be done, naming the file', async () => {
    const cases: [unknown, RegExp][] = [
      [[1, 2], /expected a gate baseline/],
      [{ schema: 'servebench.gate-baseline/v2' }, /servebench\.gate-baseline\/v2 is not readable by this servebench/],
      [{ schema: 'something/v1' }, /schema is "something\/v1"; expected servebench\.gate-baseline\/v1/],
      [{ ...sampleSet([1000]), repeats: [{ p99: 'fast' }] }, /repeats\[0\]\.p99: expected a number >= 0, got "fast"/],
      [{ ...sampleSet([1000]), repeats: [] }, /repeats: expected at least one repeat/],
      [runResults(1000, { exit_code: 2, error: 'server did not start' }), /could not be done \(server did not start\)/],
    ];
    for (const [data, message] of cases) {
      expect(() => parseSampleData(data, 'x.json')).toThrow(message);
      expect(() => parseSampleData(data, 'x.json')).toThrow(/^x\.json: /);
    }
    await writeFile(join(dir, 'broken.json'), '{"schema": ');
    expect((await errorOf(readSampleSet(join(dir, 'broken.json'), 'current'))).message).toMatch(/broken\.json: not valid JSON/);
  });
});

describe('reading the current side from runs', () => {
  it('a results.json is one repeat, with its thresholds and the hash of its scenario', async () => {
    const file = join(dir, 'results.json');
    const results = runResults(12_000);
    await writeFile(file, JSON.stringify(results));
    const set = await readSampleSet(file, 'current');
    expect(set.repeats).toHaveLength(1);
    expect(set.repeats[0]).toMatchObject({ p99: 12_000, throughput: 200, error_rate: 0, duration_s: 10, thresholds: [{ expression: 'p99 < 50ms', actual: 12_000, passed: true }] });
    expect(set.scenario).toMatchObject({ name: 'gate', hash: scenarioHash(results.scenario), file: 'scenarios/gate.yaml' });
    expect(set.created_at).toBe('2026-01-02T03:00:10.000Z');
  });

  it('records the cores other processes used during the counted phases: machine CPU minus the server and the load generator', () => {
    const phases = [
      { name: 'warmup', counted: false, started_s: 0, duration_s: 2 },
      { name: 'steady', counted: true, started_s: 2, duration_s: 3 },
    ] as PhaseResult[];
    const system = [
      { t: 1, machine_cpu_percent: 100, server_cpu_percent: 10, loadgen_cpu_percent: 10 }, // warm-up: not counted
      { t: 3, machine_cpu_percent: 75, server_cpu_percent: 60, loadgen_cpu_percent: 40 }, // 4 cores: 3 - 1 = 2
      { t: 4, machine_cpu_percent: 50, server_cpu_percent: 60, loadgen_cpu_percent: 40 }, // 2 - 1 = 1
      { t: 5, machine_cpu_percent: 100, server_cpu_percent: 60, loadgen_cpu_percent: 40 }, // 4 - 1 = 3
    ];
    expect(backgroundCores(runResults(1000, { phases, system }))).toBe(2);
    expect(backgroundCores(runResults(1000, { phases, system: system.map(({ server_cpu_percent: _s, ...rest }) => rest) }))).toBeUndefined();
  });

  it('a gate output folder without samples.json reads its repeat-N folders in order (repeat-10 after repeat-2)', async () => {
    const out = join(dir, 'gate-out');
    for (const [n, p99] of [[1, 1000], [2, 2000], [10, 10_000]] as const) {
      await mkdir(join(out, `repeat-${n}`), { recursive: true });
      await writeFile(join(out, `repeat-${n}`, 'results.json'), JSON.stringify(runResults(p99, { run_id: `r${n}` })));
    }
    const set = await readSampleSet(out, 'current');
    expect(set.repeats.map((r) => [r.run_id, r.p99])).toEqual([['r1', 1000], ['r2', 2000], ['r10', 10_000]]);
    await writeSampleSet(join(out, 'samples.json'), sampleSet([5, 6]));
    expect((await readSampleSet(out, 'current')).repeats.map((r) => r.p99)).toEqual([5, 6]);
  });

  it('a folder with nothing readable says what it expected', async () => {
    await mkdir(join(dir, 'empty'), { recursive: true });
    expect((await errorOf(readSampleSet(join(dir, 'empty'), 'current'))).message).toMatch(/no samples\.json, results\.json or repeat-N\/results\.json inside/);
  });
});

describe('scenarioHash', () => {
  const base = { model: 'mlp', phases: [{ kind: 'steady', duration: '7s', rate: 200 }] };

  it('ignores the name, description, gate section and where the models live, and sees any change to the load', () => {
    const a = parseScenario({ ...base, name: 'a', gate: { repeats: 3 } }, 'a.yaml', { defaultModelsDir: '/checkout-1/models' });
    const b = parseScenario({ ...base, name: 'b', description: 'x', gate: { repeats: 5 } }, 'b.yaml', { defaultModelsDir: '/checkout-2/models' });
    const faster = parseScenario({ ...base, phases: [{ kind: 'steady', duration: '7s', rate: 300 }] }, 'c.yaml');
    expect(scenarioHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(scenarioHash(a)).toBe(scenarioHash(b));
    expect(scenarioHash(faster)).not.toBe(scenarioHash(a));
  });

  it('stableStringify sorts keys at every depth', () => {
    expect(stableStringify({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });
});
