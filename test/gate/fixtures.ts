// Fixed gate inputs for pure tests and golden files: no clocks, no hostnames of this machine.
import { GATE_BASELINE_SCHEMA, type SampleSet } from '../../src/gate/baseline.ts';
import type { RepeatSample, RepeatThreshold } from '../../src/gate/sample.ts';
import { type EnvironmentInfo, RESULTS_SCHEMA, type RunResults } from '../../src/contract/results.ts';
import { parseScenario } from '../../src/scenario/load.ts';

export const CI_MACHINE: EnvironmentInfo = {
  hostname: 'ci-runner-7',
  os: 'Linux 6.8.0-1021-azure x64',
  cpu_model: 'AMD EPYC 7763 64-Core Processor',
  cores: 4,
  memory_bytes: 16 * 2 ** 30,
  node: 'v20.20.2',
  onnxruntime: '1.23.2',
  servebench: '0.1.0',
  git_commit: '1111111111111111111111111111111111111111',
  gpus: [],
};

export const LAPTOP: EnvironmentInfo = { ...CI_MACHINE, hostname: 'laptop', cpu_model: 'Apple M2', cores: 8, memory_bytes: 24 * 2 ** 30 };

export interface RepeatSpec {
  /** Microseconds. */
  p99: number;
  p50?: number;
  throughput?: number;
  error_rate?: number;
  thresholds?: RepeatThreshold[];
  verdicts?: RepeatSample['verdicts'];
  warnings?: string[];
  background_cores?: number;
}

export function repeatSample(spec: RepeatSpec, i: number): RepeatSample {
  const p50 = spec.p50 ?? Math.round(spec.p99 / 3);
  return {
    p50,
    p90: Math.round((p50 + spec.p99) / 2),
    p99: spec.p99,
    p999: Math.round(spec.p99 * 1.4),
    mean: Math.round(p50 * 1.1),
    throughput: spec.throughput ?? 200,
    error_rate: spec.error_rate ?? 0,
    run_id: `2026-01-02T03-0${i}-00-gate-repeat-${i + 1}`,
    started_at: `2026-01-02T03:0${i}:00.000Z`,
    duration_s: 10.5,
    requests: 1400,
    exit_code: spec.thresholds?.some((t) => !t.passed) ? 1 : 0,
    thresholds: spec.thresholds ?? [],
    verdicts: spec.verdicts ?? [],
    warnings: spec.warnings ?? [],
    ...(spec.background_cores !== undefined ? { background_cores: spec.background_cores } : {}),
  };
}

export function sampleSet(specs: (RepeatSpec | number)[], options: { environment?: EnvironmentInfo; hash?: string; created_at?: string; gate?: unknown; commit?: string } = {}): SampleSet {
  const environment = { ...(options.environment ?? CI_MACHINE), ...(options.commit ? { git_commit: options.commit } : {}) };
  return {
    schema: GATE_BASELINE_SCHEMA,
    created_at: options.created_at ?? '2026-01-02T03:10:00.000Z',
    scenario: { name: 'gate', hash: options.hash ?? 'a'.repeat(64), file: 'scenarios/gate.yaml', ...(options.gate !== undefined ? { gate: options.gate } : {}) },
    environment,
    repeats: specs.map((s, i) => repeatSample(typeof s === 'number' ? { p99: s } : s, i)),
  };
}

/** A threshold as the runner records it. */
export function threshold(expression: string, actual: number | null, passed: boolean, unit = 'us', scope = '*'): RepeatThreshold {
  return { expression, scope, unit, actual, passed };
}

/** A results.json as `servebench run` writes it, reduced to what a gate reads. */
export function runResults(p99: number, overrides: Partial<RunResults> = {}): RunResults {
  const latency = { count: 1400, min: 500, mean: 2200, p50: 2000, p90: 5000, p99, p999: p99 * 1.4, max: p99 * 2 };
  return {
    schema: RESULTS_SCHEMA,
    run_id: 'run-1',
    started_at: '2026-01-02T03:00:00.000Z',
    finished_at: '2026-01-02T03:00:10.000Z',
    scenario_file: 'scenarios/gate.yaml',
    scenario: parseScenario({ name: 'gate', model: 'mlp', phases: [{ kind: 'steady', duration: '7s', rate: 200 }], thresholds: ['p99 < 50ms'] }, 'gate.yaml'),
    target: { kind: 'embedded', url: 'http://127.0.0.1:1', protocol: 'kserve-v2', model: 'mlp' },
    environment: CI_MACHINE,
    phases: [],
    totals: { requests: 1400, ok: 1400, error_rate: 0, throughput_rps: 200, latency_us: latency, histogram: '' },
    timeseries: [],
    system: [],
    verdicts: [],
    thresholds: [{ expression: 'p99 < 50ms', scope: '*', actual: p99, unit: 'us', passed: p99 < 50_000, message: '' }],
    warnings: [],
    notes: [],
    exit_code: p99 < 50_000 ? 0 : 1,
    ...overrides,
  };
}
