// A tuning run as results.json: the usual RunResults (the closing measurements of the chosen
// configuration as its phases) with the `sweep` section holding every trial and the recommendation.
import { RESULTS_SCHEMA, type EnvironmentInfo, type PhaseResult, type Recommendation, type RunResults, type SecondRow } from '../contract/results.ts';
import { totalsOf } from '../runner/assemble.ts';
import type { Scenario } from '../contract/scenario.ts';
import type { SweepSpec } from './sweepSection.ts';
import { toTrialResults, type TrialRecord } from './trialRecord.ts';

export interface TuneResultsInput {
  runId: string;
  startedAt: Date;
  scenarioFile?: string;
  scenario: Scenario;
  spec: SweepSpec;
  target: RunResults['target'];
  serverConfig?: Record<string, unknown>;
  environment: EnvironmentInfo;
  records: readonly TrialRecord[];
  phases: PhaseResult[];
  rows: SecondRow[];
  recommendation?: Recommendation;
  defaultCapacityRps?: number;
  warnings: string[];
  notes: string[];
  error?: string;
}

/** 0: a configuration met the SLO; 1: none did at any rate; 2: the run could not be finished. */
export function tuneExitCode(input: Pick<TuneResultsInput, 'error' | 'recommendation'>): 0 | 1 | 2 {
  if (input.error !== undefined || !input.recommendation) return 2;
  return input.recommendation.capacity_rps > 0 ? 0 : 1;
}

export function assembleTuneResults(input: TuneResultsInput): RunResults {
  const { spec } = input;
  const knobs: Record<string, number[]> = {};
  for (const [knob, values] of Object.entries(spec.knobs)) knobs[knob] = [...values];
  return {
    schema: RESULTS_SCHEMA,
    run_id: input.runId,
    started_at: input.startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    ...(input.scenarioFile ? { scenario_file: input.scenarioFile } : {}),
    scenario: input.scenario,
    target: input.target,
    ...(input.serverConfig ? { server_config: input.serverConfig } : {}),
    environment: input.environment,
    phases: input.phases,
    totals: totalsOf(input.phases),
    timeseries: input.rows,
    system: [],
    verdicts: [],
    thresholds: [],
    warnings: input.warnings,
    notes: input.notes,
    exit_code: tuneExitCode(input),
    ...(input.error !== undefined ? { error: input.error } : {}),
    sweep: {
      strategy: spec.strategy,
      objective: spec.objective === 'min-p99' ? `min-p99 at ${spec.rate} rps` : 'max-rate',
      slo: { p99_us: spec.slo.p99Us, error_rate: spec.slo.errorRate },
      knobs,
      trials: toTrialResults(input.records),
      ...(input.defaultCapacityRps !== undefined ? { default_capacity_rps: input.defaultCapacityRps } : {}),
      ...(input.recommendation ? { recommendation: input.recommendation } : {}),
    },
  };
}
