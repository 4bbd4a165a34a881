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
import { type ParsedArgs, parseArgs, UsageError } from './args.ts';
import { onInterrupt } from './interrupt.ts';

export const HELP = `Usage: servebench gate <scenario.yaml> --baseline FILE [--update-baseline] [--repeats N]
                       [--junit FILE] [--markdown FILE] [--out DIR] [--json] [--quiet]
       servebench gate [scenario.yaml] --baseline A --current B [--junit FILE] [--markdown FILE] [--json]

Runs the scenario N times (gate.repeats, default 3) and compares the repeats with a stored baseline
under the scenario's gate.rules (default "p99 may rise at most 10%"): medians of the per-repeat
values, a bootstrap confidence interval, and a verdict per rule: regressed, improved, no change or
inconclusive (too noisy to tell). The scenario's thresholds are checked on the median of the repeats
(gate.thresholds_on: every_repeat to check each one).
  --baseline FILE      the baseline (servebench.gate-baseline/v1); also a results.json or run folder
  --update-baseline    write the baseline after a PASSING gate (creates it when missing)
  --repeats N          override gate.repeats
  --current B          compare B with the baseline without running (a baseline file, a results.json,
                       a run folder or a gate's --out folder); rules from the scenario if given,
                       else from B's recorded scenario
  --junit FILE         JUnit XML: one test case per rule, threshold and verdict
  --markdown FILE      markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)
  --out DIR            where the repeats go (default reports/<id>-gate/): repeat-N/, samples.json, gate.json
  --json               print the decision as JSON instead of the table
  --quiet              no progress lines
Exit code: 0 passed (inconclusive passes unless gate.fail_on_inconclusive), 1 a rule regressed or
a threshold or verdict failed, 2 the gate could not run (e.g. no baseline: run with --update-baseline).
`;

/** Per-second lines of every repeat would drown a CI log: phases, markers and warnings only. */
function phasesOnly(listener: (event: RunEvent) => void): (event: RunEvent) => void {
  return (event) => {
    if (event.type !== 'second') listener(event);
  };
}

function repeatsFlag(args: ParsedArgs): number | undefined {
  const raw = args.values.repeats;
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPEATS) throw new UsageError(`--repeats: expected an integer between 1 and ${MAX_REPEATS}, got "${raw}"`);
  return n;
}

async function report(outcome: GateOutcome, args: ParsedArgs, outDir?: string): Promise<number> {
  await writeGateOutputs(outcome, { junit: args.values.junit, markdown: args.values.markdown, stepSummary: process.env.GITHUB_STEP_SUMMARY || undefined });
  if (args.booleans.has('json')) process.stdout.write(`${JSON.stringify({ ...outcome, ...(outDir ? { out: outDir } : {}) }, null, 2)}\n`);
  else process.stdout.write(`${renderText(outcome)}${outDir ? `servebench: wrote ${outDir}\n` : ''}`);
  return outcome.exit_code;
}

async function compare(args: ParsedArgs, baselinePath: string, currentPath: string): Promise<number> {
  for (const flag of ['repeats', 'out'] as const) {
    if (args.values[flag] !== undefined) throw new UsageError(`--${flag} needs a run; with --current nothing is run`);
  }
  if (args.positionals.length > 1) throw new UsageError(`gate takes at most one scenario file, got: ${args.positionals.join(' ')}`);
  const config = args.positionals[0] ? (await loadGateScenario(args.positionals[0])).config : undefined;
  const { outcome } = await compareSampleFiles(baselinePath, currentPath, { config, updateBaseline: args.booleans.has('update-baseline') });
  return report(outcome, args);
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['baseline', 'current', 'repeats', 'junit', 'markdown', 'out'], booleans: ['help', 'update-baseline', 'json', 'quiet'] });
  if (args.booleans.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const baselinePath = args.values.baseline;
  if (!baselinePath) throw new UsageError('gate needs --baseline FILE, e.g. servebench gate scenarios/gate.yaml --baseline ci/baseline.json (add --update-baseline to create it)');
  if (args.values.current !== undefined) return compare(args, baselinePath, args.values.current);

  const [file, ...extra] = args.positionals;
  if (!file) throw new UsageError('gate needs a scenario file, e.g. servebench gate scenarios/gate.yaml --baseline ci/baseline.json');
  if (extra.length > 0) throw new UsageError(`gate takes one scenario file, got also: ${extra.join(' ')}`);
  const { scenario, config } = await loadGateScenario(file);
  const repeats = repeatsFlag(args);
  const gateId = runId(`${scenario.name}-gate`);
  const outDir = resolve(args.values.out ?? join('reports', gateId));
  const quiet = args.booleans.has('quiet');
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
      updateBaseline: args.booleans.has('update-baseline'),
      outDir,
      gateId,
      signal: controller.signal,
      onEvent: progress && phasesOnly(progress),
      onRepeat: quiet ? undefined : (e) => {
        if (e.type === 'repeat-start') process.stderr.write(`servebench gate: repeat ${e.repeat} of ${e.total}\n`);
      },
    });
    return await report(outcome, args, outDir);
  } finally {
    stopListening();
  }
}
