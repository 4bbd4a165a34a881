// `servebench run SCENARIO [--out DIR] [--json]`: run a scenario, write its folder, print the
// summary; exit 0 all passed, 1 a threshold or verdict failed, 2 the run could not be done.
import { join, resolve } from 'node:path';
import { formatSummary } from '../report/summaryTable.ts';
import { runId } from '../report/writeRun.ts';
import { writeRunFolder } from '../report/writeRun.ts';
import { runScenario } from '../runner/run.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { plainProgress } from '../ui/plainProgress.ts';
import { UsageError, parseArgs } from './args.ts';
import { onInterrupt } from './interrupt.ts';

export const HELP = `Usage: servebench run <scenario.yaml|json> [--out DIR] [--json] [--quiet]

Runs a scenario (see scenarios/README.md) against its target and writes the run into DIR
(default reports/<run-id>/): results.json, summary.csv, timeseries.csv.
  --out DIR    where to write the run
  --json       print the final summary as JSON instead of a table
  --quiet      no progress lines
Ctrl-C ends the current phase, writes the results and stops the server; a second Ctrl-C exits at once.
Exit code: 0 all thresholds and verdicts passed, 1 one failed, 2 the run could not be done.
`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['out'], booleans: ['help', 'json', 'quiet', 'no-dashboard'] });
  if (args.booleans.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const [file, ...extra] = args.positionals;
  if (!file) throw new UsageError('run needs a scenario file, e.g. servebench run scenarios/quick.yaml');
  if (extra.length > 0) throw new UsageError(`run takes one scenario file, got also: ${extra.join(' ')}`);
  const { scenario } = await loadScenarioFile(file);
  const id = runId(scenario.name);
  const outDir = resolve(args.values.out ?? join('reports', id));

  const controller = new AbortController();
  const stopListening = onInterrupt(() => {
    process.stderr.write('\nservebench: stopping after the current phase (Ctrl-C again to exit at once)\n');
    controller.abort();
  });
  try {
    const results = await runScenario(scenario, {
      scenarioFile: file,
      runId: id,
      signal: controller.signal,
      onEvent: args.booleans.has('quiet') ? undefined : plainProgress(),
    });
    await writeRunFolder(outDir, results);
    if (args.booleans.has('json')) process.stdout.write(`${JSON.stringify({ run_id: results.run_id, out: outDir, exit_code: results.exit_code, totals: { ...results.totals, histogram: undefined }, phases: results.phases.map(({ histogram: _h, ...p }) => p), verdicts: results.verdicts, thresholds: results.thresholds, warnings: results.warnings, error: results.error }, null, 2)}\n`);
    else process.stdout.write(`${formatSummary(results)}\nservebench: wrote ${outDir}\n`);
    return results.exit_code;
  } finally {
    stopListening();
  }
}
