// `servebench run SCENARIO [--out DIR] [--json]`: run a scenario, write its folder, print the
// summary; exit 0 all passed, 1 a threshold or verdict failed, 2 the run could not be done.
import { join, resolve } from 'node:path';
import { formatSummary } from '../report/summaryTable.ts';
import { runId } from '../report/writeRun.ts';
import { writeRunFolder } from '../report/writeRun.ts';
import { runScenario } from '../runner/run.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { startLiveView } from '../ui/liveView.ts';
import { LIVE_VIEW_FLAGS, LIVE_VIEW_HELP } from '../ui/select.ts';
import { UsageError, parseArgs } from './args.ts';

export const HELP = `Usage: servebench run <scenario.yaml|json> [--out DIR] [--json] [--no-dashboard] [--quiet]

Runs a scenario (see scenarios/README.md) against its target and writes the run into DIR
(default reports/<run-id>/): results.json, summary.csv, timeseries.csv, report.html. On a terminal a live
dashboard shows the run; elsewhere (pipes, CI logs) one progress line a second goes to stderr.
  --out DIR         where to write the run
  --json            print the final summary as JSON instead of a table
${LIVE_VIEW_HELP}
Exit code: 0 all thresholds and verdicts passed, 1 one failed, 2 the run could not be done.
`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['out'], booleans: ['help', 'json', ...LIVE_VIEW_FLAGS] });
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
  const view = await startLiveView({ command: 'run', flags: args.booleans, onStop: () => controller.abort() });
  let results;
  try {
    results = await runScenario(scenario, { scenarioFile: file, runId: id, signal: controller.signal, onEvent: view.onEvent });
    await writeRunFolder(outDir, results);
  } finally {
    // The dashboard's last frame stays on screen; the summary prints below it.
    await view.stop();
  }
  if (args.booleans.has('json')) process.stdout.write(`${JSON.stringify({ run_id: results.run_id, out: outDir, exit_code: results.exit_code, totals: { ...results.totals, histogram: undefined }, phases: results.phases.map(({ histogram: _h, ...p }) => p), verdicts: results.verdicts, thresholds: results.thresholds, warnings: results.warnings, error: results.error }, null, 2)}\n`);
  else process.stdout.write(`${formatSummary(results)}\nservebench: wrote ${outDir}\n`);
  return results.exit_code;
}
