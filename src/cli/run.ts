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
import { parseDurationMs } from '../scenario/units.ts';
import { startLiveView } from '../ui/liveView.ts';
import { defineCommand, type CommandInput } from './command.ts';
import { flag, LIVE_VIEW_FLAGS, LIVE_VIEW_NOTE } from './flags.ts';
import { runSummaryJson } from './summaryJson.ts';
import { schemaReference, scenarioYaml, URL_RUN_FLAGS, URL_VALUE_FLAGS, urlScenarioInput, type UrlRunValues } from './urlScenario.ts';
import { ServebenchError } from '../contract/errors.ts';

const flags = {
  out: flag.text('DIR', 'where to write the run', { defaultNote: 'reports/<run-id>/' }),
  json: flag.switch('print the final summary as JSON instead of a table'),
  agents: flag.text('N', `spread the load over N agent processes on this machine (servebench agent, as pods
run it), started together, and merge their results (each kept in DIR/agents/<i>/)`),
  'start-lead': flag.text('D', `with --agents: how far ahead T0 is set, for the agents to start and reach the
target; more on a loaded machine, or the start spread says so`, { defaultNote: '5s' }),
  ...LIVE_VIEW_FLAGS,
  ...URL_RUN_FLAGS,
  'print-scenario': flag.switch('print the equivalent scenario YAML to stdout and exit without running'),
};

const URL_SOURCE = '--url';

function agentCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new ServebenchError('SB_ERR_USAGE', `--agents ${value}: expected a whole number of agent processes, at least 1`);
  return Number(value);
}

function startLead(value: string | undefined, agents: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (agents === undefined) throw new ServebenchError('SB_ERR_USAGE', '--start-lead goes with --agents (it sets how far ahead the agents\' common start is)');
  try {
    return parseDurationMs(value);
  } catch (err) {
    throw new ServebenchError('SB_ERR_USAGE', `--start-lead ${value}: ${(err as Error).message}`);
  }
}

/** The url run's scenario, checked by the loader as a file would be; undefined without --url. */
function urlScenario({ flags: values, given }: CommandInput<typeof flags>, file: string | undefined): { scenario: Scenario; yaml: () => string } | undefined {
  const urlFlags = URL_VALUE_FLAGS.filter((name) => given.has(name));
  const printing = values['print-scenario'];
  if (values.url === undefined) {
    const stray = [...urlFlags, ...(printing ? ['print-scenario'] : [])];
    if (stray.length > 0) throw new ServebenchError('SB_ERR_USAGE', `--${stray[0]} goes with --url (a scenario file sets the target, model and load itself)`);
    return undefined;
  }
  if (file !== undefined) throw new ServebenchError('SB_ERR_USAGE', `give a scenario file or --url, not both (got ${file}); to change a file's target, edit its target.url`);
  if (printing) {
    const unused = (['out', 'json'] as const).filter((name) => given.has(name));
    if (unused.length > 0) throw new ServebenchError('SB_ERR_USAGE', `--print-scenario runs nothing, so --${unused[0]} has no use`);
  }
  const urlValues: UrlRunValues = Object.fromEntries(urlFlags.map((name) => [name, values[name]]));
  let payloadFile: string | undefined;
  if (urlValues.payload !== undefined) {
    payloadFile = resolve(urlValues.payload);
    try {
      statSync(payloadFile);
    } catch (err) {
      throw new ServebenchError('SB_ERR_USAGE', `--payload: cannot read ${urlValues.payload} (${(err as NodeJS.ErrnoException).code ?? String(err)}); give a request body file, a folder of them or a .jsonl file`);
    }
  }
  const input = urlScenarioInput(urlValues, payloadFile);
  const scenario = parseScenario(input, URL_SOURCE, { baseDir: process.cwd() });
  return { scenario, yaml: () => scenarioYaml(input, schemaReference(process.cwd(), join(PACKAGE_ROOT, 'scenarios', 'schema.json'))) };
}

export default defineCommand({
  name: 'run',
  usage: [
    'servebench run <scenario.yaml|json> [--out DIR] [--json] [--agents N] [--no-dashboard] [--quiet]',
    'servebench run --url URL --model NAME [--protocol kserve-v2|torchserve]',
    '               [--rate R | --connections C] [--duration 30s] [--payload FILE] [--print-scenario]',
  ],
  flags,
  body: [
    `Runs a scenario (see scenarios/README.md) against its target and writes the run into DIR
(default reports/<run-id>/): results.json, summary.csv, timeseries.csv, report.html. On a terminal a live
dashboard shows the run; elsewhere (pipes, CI logs) one progress line a second goes to stderr.`,
    ['out', 'json', 'agents', 'start-lead', 'no-dashboard', 'quiet'],
    LIVE_VIEW_NOTE,
    'Without a scenario file, --url runs a warm-up and one steady phase against a running server:',
    [...URL_VALUE_FLAGS, 'print-scenario'],
    'Exit code: 0 all thresholds and verdicts passed, 1 one failed, 2 the run could not be done.',
  ],
  positionals: { max: 1, what: 'one scenario file' },
  async run(input) {
    const [file] = input.positionals;
    const { flags: values } = input;
    const fromUrl = urlScenario(input, file);
    if (fromUrl && values['print-scenario']) {
      process.stdout.write(fromUrl.yaml());
      return 0;
    }
    if (!fromUrl && !file) throw new ServebenchError('SB_ERR_USAGE', 'run needs a scenario file, e.g. servebench run scenarios/quick.yaml, or --url and --model for a server already running');
    const scenario = fromUrl?.scenario ?? (await loadScenarioFile(file!)).scenario;
    const id = runId(scenario.name);
    const outDir = resolve(values.out ?? join('reports', id));

    const agents = agentCount(values.agents);
    const leadMs = startLead(values['start-lead'], agents);
    if (agents !== undefined && !file) throw new ServebenchError('SB_ERR_USAGE', '--agents needs a scenario file (each agent process loads it); write the --url run out with --print-scenario first');

    const controller = new AbortController();
    const view = await startLiveView({ command: 'run', flags: input.given, onStop: () => controller.abort() });
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
    if (values.json) process.stdout.write(`${JSON.stringify(runSummaryJson(results, outDir), null, 2)}\n`);
    else process.stdout.write(`${formatSummary(results)}\nservebench: wrote ${outDir}\n`);
    return results.exit_code;
  },
});
