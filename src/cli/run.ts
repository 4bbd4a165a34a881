// `servebench run SCENARIO [--out DIR] [--json]`, or `servebench run --url URL --model NAME ...`:
// run a scenario (a file's, or one built from flags), write its folder, print the summary;
// exit 0 all passed, 1 a threshold or verdict failed, 2 the run could not be done.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatSummary } from '../report/summaryTable.ts';
import { runId } from '../report/writeRun.ts';
import { writeRunFolder } from '../report/writeRun.ts';
import { runScenario } from '../runner/run.ts';
import { loadScenarioFile, PACKAGE_ROOT, parseScenario } from '../scenario/load.ts';
import type { Scenario } from '../contract/scenario.ts';
import { startLiveView } from '../ui/liveView.ts';
import { LIVE_VIEW_FLAGS, LIVE_VIEW_HELP } from '../ui/select.ts';
import { parseDurationMs } from '../scenario/units.ts';
import { type ParsedArgs, UsageError, parseArgs } from './args.ts';
import { PRINT_SCENARIO_FLAG, schemaReference, scenarioYaml, URL_RUN_HELP, URL_VALUE_FLAGS, urlScenarioInput, type UrlRunValues } from './urlScenario.ts';

export const HELP = `Usage: servebench run <scenario.yaml|json> [--out DIR] [--json] [--agents N] [--no-dashboard] [--quiet]
       servebench run --url URL --model NAME [--protocol kserve-v2|torchserve]
                      [--rate R | --connections C] [--duration 30s] [--payload FILE] [--print-scenario]

Runs a scenario (see scenarios/README.md) against its target and writes the run into DIR
(default reports/<run-id>/): results.json, summary.csv, timeseries.csv, report.html. On a terminal a live
dashboard shows the run; elsewhere (pipes, CI logs) one progress line a second goes to stderr.
  --out DIR         where to write the run
  --json            print the final summary as JSON instead of a table
  --agents N        spread the load over N agent processes on this machine (servebench agent, as pods
                    run it), started together, and merge their results (each kept in DIR/agents/<i>/)
  --start-lead D    with --agents: how far ahead T0 is set, for the agents to start and reach the
                    target (default 5s; more on a loaded machine, or the start spread says so)
${LIVE_VIEW_HELP}
Without a scenario file, --url runs a warm-up and one steady phase against a running server:
${URL_RUN_HELP}
Exit code: 0 all thresholds and verdicts passed, 1 one failed, 2 the run could not be done.
`;

const URL_SOURCE = '--url';

/** The url run's scenario, checked by the loader as a file would be; undefined without --url. */
function urlScenario(args: ParsedArgs, file: string | undefined): { scenario: Scenario; yaml: () => string } | undefined {
  const given = URL_VALUE_FLAGS.filter((flag) => args.values[flag] !== undefined);
  const printing = args.booleans.has(PRINT_SCENARIO_FLAG);
  if (args.values.url === undefined) {
    const stray = [...given, ...(printing ? [PRINT_SCENARIO_FLAG] : [])];
    if (stray.length > 0) throw new UsageError(`--${stray[0]} goes with --url (a scenario file sets the target, model and load itself)`);
    return undefined;
  }
  if (file !== undefined) throw new UsageError(`give a scenario file or --url, not both (got ${file}); to change a file's target, edit its target.url`);
  if (printing) {
    const unused = ['out', 'json'].filter((flag) => args.values[flag] !== undefined || args.booleans.has(flag));
    if (unused.length > 0) throw new UsageError(`--print-scenario runs nothing, so --${unused[0]} has no use`);
  }
  const values = args.values as UrlRunValues;
  let payloadFile: string | undefined;
  if (values.payload !== undefined) {
    payloadFile = resolve(values.payload);
    try {
      statSync(payloadFile);
    } catch (err) {
      throw new UsageError(`--payload: cannot read ${values.payload} (${(err as NodeJS.ErrnoException).code ?? String(err)}); give a request body file, a folder of them or a .jsonl file`);
    }
  }
  const input = urlScenarioInput(values, payloadFile);
  const scenario = parseScenario(input, URL_SOURCE, { baseDir: process.cwd() });
  return { scenario, yaml: () => scenarioYaml(input, schemaReference(process.cwd(), join(PACKAGE_ROOT, 'scenarios', 'schema.json'))) };
}

function agentCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--agents ${value}: expected a whole number of agent processes, at least 1`);
  return Number(value);
}

function startLead(value: string | undefined, agents: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (agents === undefined) throw new UsageError('--start-lead goes with --agents (it sets how far ahead the agents\' common start is)');
  try {
    return parseDurationMs(value);
  } catch (err) {
    throw new UsageError(`--start-lead ${value}: ${(err as Error).message}`);
  }
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['out', 'agents', 'start-lead', ...URL_VALUE_FLAGS], booleans: ['help', 'json', PRINT_SCENARIO_FLAG, ...LIVE_VIEW_FLAGS] });
  if (args.booleans.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const [file, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError(`run takes one scenario file, got also: ${extra.join(' ')}`);
  const fromUrl = urlScenario(args, file);
  if (fromUrl && args.booleans.has(PRINT_SCENARIO_FLAG)) {
    process.stdout.write(fromUrl.yaml());
    return 0;
  }
  if (!fromUrl && !file) throw new UsageError('run needs a scenario file, e.g. servebench run scenarios/quick.yaml, or --url and --model for a server already running');
  const scenario = fromUrl?.scenario ?? (await loadScenarioFile(file!)).scenario;
  const id = runId(scenario.name);
  const outDir = resolve(args.values.out ?? join('reports', id));

  const agents = agentCount(args.values.agents);
  const leadMs = startLead(args.values['start-lead'], agents);
  if (agents !== undefined && !file) throw new UsageError('--agents needs a scenario file (each agent process loads it); write the --url run out with --print-scenario first');

  const controller = new AbortController();
  const view = await startLiveView({ command: 'run', flags: args.booleans, onStop: () => controller.abort() });
  let results;
  try {
    if (agents !== undefined) {
      const { runLocalAgents } = await import('../agents/local.ts');
      results = await runLocalAgents({ scenarioFile: file!, scenario, count: agents, outDir, runId: id, ...(leadMs !== undefined ? { leadMs } : {}), signal: controller.signal, onLine: (line) => process.stderr.write(`${line}\n`) });
    } else {
      results = await runScenario(scenario, { ...(file ? { scenarioFile: file } : {}), runId: id, signal: controller.signal, onEvent: view.onEvent });
      await writeRunFolder(outDir, results);
    }
  } finally {
    // The dashboard's last frame stays on screen; the summary prints below it.
    await view.stop();
  }
  if (args.booleans.has('json')) process.stdout.write(`${JSON.stringify({ run_id: results.run_id, out: outDir, exit_code: results.exit_code, totals: { ...results.totals, histogram: undefined }, phases: results.phases.map(({ histogram: _h, ...p }) => p), verdicts: results.verdicts, thresholds: results.thresholds, warnings: results.warnings, error: results.error, ...(results.agents ? { agents: results.agents } : {}) }, null, 2)}\n`);
  else process.stdout.write(`${formatSummary(results)}\nservebench: wrote ${outDir}\n`);
  return results.exit_code;
}
