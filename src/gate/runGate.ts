// A gate, as its steps: read the baseline (or learn there is none), run the scenario N times,
// write each repeat's folder, decide, write the samples and the decision, and with
// --update-baseline replace the baseline only after a passing gate.
import { join } from 'node:path';
import type { RunResults } from '../contract/results.ts';
import { writeFileAtomic, writeRunFolder } from '../report/writeRun.ts';
import type { RunEventListener } from '../contract/events.ts';
import { runScenario } from '../runner/run.ts';
import type { Scenario } from '../contract/scenario.ts';
import { type SampleSet, sampleSetOf } from './baseline.ts';
import { type GateConfig, parseGateConfig } from './config.ts';
import { evaluateGate, type GateOutcome } from './evaluate.ts';
import { fileExists, readSampleSet, SAMPLES_FILE, writeSampleSet } from './files.ts';
import { ServebenchError } from '../contract/errors.ts';

export const OUTCOME_FILE = 'gate.json';

export interface GateRepeatEvent {
  type: 'repeat-start' | 'repeat-end';
  /** 1-based. */
  repeat: number;
  total: number;
  results?: RunResults;
}

export interface RunGateOptions {
  scenario: Scenario;
  scenarioFile?: string;
  /** Effective settings (a --repeats flag already applied). */
  config: GateConfig;
  baselinePath: string;
  updateBaseline?: boolean;
  /** Where repeat-N/ folders, samples.json and gate.json go. */
  outDir: string;
  /** Prefix of each repeat's run id. */
  gateId: string;
  signal?: AbortSignal;
  onRepeat?: (event: GateRepeatEvent) => void;
  /** Passed to each repeat's runScenario (progress printing). */
  onEvent?: RunEventListener;
  now?: () => Date;
}

export interface GateRun {
  outcome: GateOutcome;
  current: SampleSet;
  baseline?: SampleSet;
  runDirs: string[];
}

/** The baseline to compare with; undefined when it does not exist yet and --update-baseline will create it. */
async function baselineFor(path: string, update: boolean): Promise<SampleSet | undefined> {
  if (update && !(await fileExists(path))) return undefined;
  return readSampleSet(path, 'baseline');
}

export async function runGate(options: RunGateOptions): Promise<GateRun> {
  const { scenario, config, outDir } = options;
  const now = options.now ?? (() => new Date());
  // Before any load: a missing or unreadable baseline is exit 2 at once, not after minutes of runs.
  const baseline = await baselineFor(options.baselinePath, options.updateBaseline ?? false);
  const runs: RunResults[] = [];
  const runDirs: string[] = [];
  for (let repeat = 1; repeat <= config.repeats; repeat++) {
    if (options.signal?.aborted) throw new ServebenchError('SB_ERR_GATE_REPEAT', `interrupted after ${runs.length} of ${config.repeats} repeats; nothing was compared (the repeats so far are in ${outDir})`);
    options.onRepeat?.({ type: 'repeat-start', repeat, total: config.repeats });
    const results = await runScenario(scenario, { runId: `${options.gateId}-repeat-${repeat}`, scenarioFile: options.scenarioFile, signal: options.signal, onEvent: options.onEvent });
    const dir = join(outDir, `repeat-${repeat}`);
    await writeRunFolder(dir, results);
    runs.push(results);
    runDirs.push(dir);
    options.onRepeat?.({ type: 'repeat-end', repeat, total: config.repeats, results });
    if (results.exit_code === 2) {
      throw new ServebenchError('SB_ERR_GATE_REPEAT', `repeat ${repeat} of ${config.repeats} could not run: ${results.error ?? 'no reason recorded'} (its results are in ${dir})`);
    }
  }
  const current = sampleSetOf(runs, now(), options.scenarioFile);
  const outcome = evaluateGate({ baseline, current, config });
  if (options.updateBaseline) outcome.baseline_update = await updateBaseline(options.baselinePath, current, outcome, baseline === undefined);
  await writeSampleSet(join(outDir, SAMPLES_FILE), current);
  await writeFileAtomic(join(outDir, OUTCOME_FILE), `${JSON.stringify(outcome, null, 2)}\n`);
  return { outcome, current, ...(baseline ? { baseline } : {}), runDirs };
}

/** A baseline is only ever replaced by a passing gate: a failing run would make the regression the new normal. */
async function updateBaseline(path: string, current: SampleSet, outcome: GateOutcome, first: boolean): Promise<NonNullable<GateOutcome['baseline_update']>> {
  if (!outcome.passed) {
    return {
      written: false,
      path,
      reason: `not updated: a baseline is only written after a passing gate, and this one failed (${outcome.failures[0]}). Fix what failed first; to accept a regression on purpose, delete ${path} and run with --update-baseline again`,
    };
  }
  await writeSampleSet(path, current);
  const repeats = `${current.repeats.length} repeat${current.repeats.length === 1 ? '' : 's'}`;
  return { written: true, path, reason: first ? `created ${path} (${repeats}; there was none, so no rule was compared)` : `updated ${path} (${repeats})` };
}

/**
 * `servebench gate --baseline A --current B`: two existing sides, nothing run. The rules are the
 * given config, else the gate section recorded with the current side, else with the baseline.
 */
export async function compareSampleFiles(
  baselinePath: string,
  currentPath: string,
  options: { config?: GateConfig; updateBaseline?: boolean } = {},
): Promise<{ outcome: GateOutcome; baseline: SampleSet; current: SampleSet }> {
  const [baseline, current] = await Promise.all([readSampleSet(baselinePath, 'baseline'), readSampleSet(currentPath, 'current')]);
  const config = options.config ?? (current.scenario.gate !== undefined
    ? parseGateConfig(current.scenario.gate, `${currentPath} (its recorded gate section)`)
    : parseGateConfig(baseline.scenario.gate, `${baselinePath} (its recorded gate section)`));
  const outcome = evaluateGate({ baseline, current, config });
  if (options.updateBaseline) outcome.baseline_update = await updateBaseline(baselinePath, current, outcome, false);
  return { outcome, baseline, current };
}
