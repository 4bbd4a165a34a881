// `servebench gate`: run a scenario N times and compare it with a stored baseline, or compare two
// existing results. Exit 0 pass, 1 a rule regressed or a threshold failed, 2 the gate could not run.
import { join, resolve } from 'node:path';
import { MAX_REPEATS } from '../gate/config.ts';
import type { GateOutcome } from '../gate/evaluate.ts';
import { writeGateOutputs } from '../gate/outputs.ts';
import { compareSampleFiles, runGate } from '../gate/runGate.ts';
import { loadGateScenario } from '../gate/scenario.ts';
import { renderText } from '../gate/text.ts';
import { runId } from '../report/writeRun.ts';
import type { RunEvent } from '../contract/events.ts';
import { plainProgress } from '../ui/plainProgress.ts';
import { defineCommand, type CommandInput } from './command.ts';
import { flag } from './flags.ts';
import { onInterrupt } from './interrupt.ts';
import { ServebenchError } from '../contract/errors.ts';

const flags = {
  baseline: flag.text('FILE', 'the baseline (servebench.gate-baseline/v1); also a results.json or run folder'),
  'update-baseline': flag.switch('write the baseline after a PASSING gate (creates it when missing)'),
  repeats: flag.number('N', 'override gate.repeats', { expected: `an integer between 1 and ${MAX_REPEATS}`, accepts: (n) => Number.isInteger(n) && n >= 1 && n <= MAX_REPEATS }),
  current: flag.text('B', `compare B with the baseline without running (a baseline file, a results.json,
a run folder or a gate's --out folder); rules from the scenario if given,
else from B's recorded scenario`),
  junit: flag.text('FILE', 'JUnit XML: one test case per rule, threshold and verdict'),
  markdown: flag.text('FILE', 'markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)'),
  out: flag.text('DIR', 'where the repeats go: repeat-N/, samples.json, gate.json', { defaultNote: 'reports/<id>-gate/' }),
  json: flag.switch('print the decision as JSON instead of the table'),
  quiet: flag.switch('no progress lines'),
};

type GateInput = CommandInput<typeof flags>;

/** Per-second lines of every repeat would drown a CI log: phases, markers and warnings only. */
function phasesOnly(listener: (event: RunEvent) => void): (event: RunEvent) => void {
  return (event) => {
    if (event.type !== 'second') listener(event);
  };
}

async function report(outcome: GateOutcome, { flags: values }: GateInput, outDir?: string): Promise<number> {
  await writeGateOutputs(outcome, { junit: values.junit, markdown: values.markdown, stepSummary: process.env.GITHUB_STEP_SUMMARY || undefined });
  if (values.json) process.stdout.write(`${JSON.stringify({ ...outcome, ...(outDir ? { out: outDir } : {}) }, null, 2)}\n`);
  else process.stdout.write(`${renderText(outcome)}${outDir ? `servebench: wrote ${outDir}\n` : ''}`);
  return outcome.exit_code;
}

async function compare(input: GateInput, baselinePath: string, currentPath: string): Promise<number> {
  for (const name of ['repeats', 'out'] as const) {
    if (input.given.has(name)) throw new ServebenchError('SB_ERR_USAGE', `--${name} needs a run; with --current nothing is run`);
  }
  const [file] = input.positionals;
  const config = file ? (await loadGateScenario(file)).config : undefined;
  const { outcome } = await compareSampleFiles(baselinePath, currentPath, { config, updateBaseline: input.flags['update-baseline'] });
  return report(outcome, input);
}

async function gate(input: GateInput): Promise<number> {
  const { flags: values } = input;
  const baselinePath = values.baseline;
  if (!baselinePath) throw new ServebenchError('SB_ERR_USAGE', 'gate needs --baseline FILE, e.g. servebench gate scenarios/gate.yaml --baseline ci/baseline.json (add --update-baseline to create it)');
  if (values.current !== undefined) return compare(input, baselinePath, values.current);

  const [file] = input.positionals;
  if (!file) throw new ServebenchError('SB_ERR_USAGE', 'gate needs a scenario file, e.g. servebench gate scenarios/gate.yaml --baseline ci/baseline.json');
  const { scenario, config } = await loadGateScenario(file);
  const repeats = values.repeats;
  const gateId = runId(`${scenario.name}-gate`);
  const outDir = resolve(values.out ?? join('reports', gateId));
  const quiet = values.quiet;
  const progress = quiet ? undefined : plainProgress();
  const controller = new AbortController();
  const stopListening = onInterrupt(() => {
    process.stderr.write('\nservebench gate: stopping (Ctrl-C again to exit at once); an interrupted gate decides nothing\n');
    controller.abort();
  });
  try {
    const { outcome } = await runGate({
      scenario,
      scenarioFile: file,
      config: { ...config, ...(repeats !== undefined ? { repeats } : {}) },
      baselinePath,
      updateBaseline: values['update-baseline'],
      outDir,
      gateId,
      signal: controller.signal,
      onEvent: progress && phasesOnly(progress),
      onRepeat: quiet ? undefined : (e) => {
        if (e.type === 'repeat-start') process.stderr.write(`servebench gate: repeat ${e.repeat} of ${e.total}\n`);
      },
    });
    return await report(outcome, input, outDir);
  } finally {
    stopListening();
  }
}

export default defineCommand({
  name: 'gate',
  usage: [
    'servebench gate <scenario.yaml> --baseline FILE [--update-baseline] [--repeats N]',
    '                [--junit FILE] [--markdown FILE] [--out DIR] [--json] [--quiet]',
    'servebench gate [scenario.yaml] --baseline A --current B [--junit FILE] [--markdown FILE] [--json]',
  ],
  flags,
  body: [
    `Runs the scenario N times (gate.repeats, default 3) and compares the repeats with a stored baseline
under the scenario's gate.rules (default "p99 may rise at most 10%"): medians of the per-repeat
values, a bootstrap confidence interval, and a verdict per rule: regressed, improved, no change or
inconclusive (too noisy to tell). The scenario's thresholds are checked on the median of the repeats
(gate.thresholds_on: every_repeat to check each one).`,
    ['baseline', 'update-baseline', 'repeats', 'current', 'junit', 'markdown', 'out', 'json', 'quiet'],
    `Exit code: 0 passed (inconclusive passes unless gate.fail_on_inconclusive), 1 a rule regressed or
a threshold or verdict failed, 2 the gate could not run (e.g. no baseline: run with --update-baseline).`,
  ],
  positionals: { max: 1, what: 'one scenario file' },
  run: gate,
});
