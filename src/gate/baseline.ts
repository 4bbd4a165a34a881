// The gate's samples file (`servebench.gate-baseline/v1`): the repeats of one scenario on one
// machine. A baseline is such a file; a gate writes the current side as one too (samples.json),
// and a run's results.json reads as one with a single repeat. Pure: no I/O here.
import type { EnvironmentInfo, RunResults } from '../contract/results.ts';
import { RESULTS_SCHEMA } from '../contract/results.ts';
import { repeatSampleOf, scenarioHash, type RepeatSample } from './sample.ts';
import { ServebenchError } from '../contract/errors.ts';

export const GATE_BASELINE_SCHEMA = 'servebench.gate-baseline/v1';

export interface SampleSet {
  schema: typeof GATE_BASELINE_SCHEMA;
  created_at: string;
  scenario: {
    name: string;
    /** scenarioHash: what the scenario measures; a different hash means a different measurement. */
    hash: string;
    file?: string;
    /** The scenario's `gate` section as written, so a later comparison can use the same rules. */
    gate?: unknown;
  };
  /** Where it was measured (the first repeat's environment). */
  environment: EnvironmentInfo;
  repeats: RepeatSample[];
}

/** The repeats of one gate run, as a samples file. */
export function sampleSetOf(runs: readonly RunResults[], createdAt: Date, scenarioFile?: string): SampleSet {
  if (runs.length === 0) throw new ServebenchError('SB_ERR_GATE_INPUT', 'no repeats to record: the gate ran nothing');
  const { scenario, environment } = runs[0];
  const file = scenarioFile ?? runs[0].scenario_file;
  return {
    schema: GATE_BASELINE_SCHEMA,
    created_at: createdAt.toISOString(),
    scenario: { name: scenario.name, hash: scenarioHash(scenario), ...(file ? { file } : {}), ...(scenario.gate !== undefined ? { gate: scenario.gate } : {}) },
    environment,
    repeats: runs.map(repeatSampleOf),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads parsed JSON as gate samples: a samples/baseline file, or a run's results.json (one repeat). */
export function parseSampleData(data: unknown, source: string): SampleSet {
  const fail = (problem: string): never => {
    throw new ServebenchError('SB_ERR_GATE_INPUT', `${source}: ${problem}`);
  };
  if (!isObject(data)) return fail('expected a gate baseline (servebench.gate-baseline/v1) or a run\'s results.json, got something else');
  if (data.schema === RESULTS_SCHEMA) return fromResults(data as unknown as RunResults, source);
  if (data.schema !== GATE_BASELINE_SCHEMA) {
    const newer = typeof data.schema === 'string' && data.schema.startsWith('servebench.gate-baseline/');
    return fail(newer
      ? `baseline format ${data.schema} is not readable by this servebench (it reads ${GATE_BASELINE_SCHEMA}); update servebench or remake the baseline with --update-baseline`
      : `schema is ${JSON.stringify(data.schema)}; expected ${GATE_BASELINE_SCHEMA} (a gate baseline) or ${RESULTS_SCHEMA} (a run's results.json)`);
  }
  const scenario = data.scenario;
  if (!isObject(scenario) || typeof scenario.name !== 'string' || typeof scenario.hash !== 'string') fail('scenario: expected {name, hash}');
  if (!isObject(data.environment)) fail('environment: expected the machine the baseline was made on');
  if (typeof data.created_at !== 'string') fail('created_at: expected an ISO date');
  if (!Array.isArray(data.repeats) || data.repeats.length === 0) fail('repeats: expected at least one repeat');
  (data.repeats as unknown[]).forEach((repeat, i) => {
    if (!isObject(repeat)) return fail(`repeats[${i}]: expected an object`);
    for (const metric of ['p50', 'p90', 'p99', 'p999', 'throughput', 'error_rate'] as const) {
      const v = repeat[metric];
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) fail(`repeats[${i}].${metric}: expected a number >= 0, got ${JSON.stringify(v)}`);
    }
    if (!Array.isArray(repeat.thresholds)) repeat.thresholds = [];
    if (!Array.isArray(repeat.verdicts)) repeat.verdicts = [];
    if (!Array.isArray(repeat.warnings)) repeat.warnings = [];
  });
  return data as unknown as SampleSet;
}

function fromResults(results: RunResults, source: string): SampleSet {
  if (!isObject(results.totals) || !isObject(results.totals.latency_us) || !isObject(results.scenario) || !isObject(results.environment)) {
    throw new ServebenchError('SB_ERR_GATE_INPUT', `${source}: a results.json without totals, scenario or environment; was it cut short?`);
  }
  if (results.exit_code === 2) {
    throw new ServebenchError('SB_ERR_GATE_INPUT', `${source}: this run could not be done (${results.error ?? 'no reason recorded'}), so it is no evidence either way`);
  }
  return sampleSetOf([results], new Date(results.finished_at), results.scenario_file);
}

/** Several results.json (a gate's repeat folders) as one samples set, in order. */
export function mergeResults(runs: readonly { results: unknown; source: string }[]): SampleSet {
  const sets = runs.map(({ results, source }) => parseSampleData(results, source));
  const first = sets[0];
  return { ...first, created_at: sets[sets.length - 1].created_at, repeats: sets.flatMap((s) => s.repeats) };
}
