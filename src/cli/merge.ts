// `servebench merge DIR... --out DIR`: add agents' results into one run folder (results.json, CSVs,
// report.html, as run writes them) with an `agents` section, each agent's folder kept under agents/<i>/.
import { resolve } from 'node:path';
import { readAgentFolder, writeMergedRun } from '../agents/folders.ts';
import { mergeAgentResults } from '../agents/merge.ts';
import { formatSummary } from '../report/summaryTable.ts';
import { runId } from '../report/writeRun.ts';
import { parseArgs, UsageError } from './args.ts';

export const HELP = `Usage: servebench merge <agent-dir>... --out DIR [--json]

Adds the results of servebench agent runs (one folder each) into one run, as if one machine had sent
the whole load: HdrHistograms added exactly, counters summed, thresholds judged on the merged numbers.
Writes DIR/results.json (with an agents section: each agent's rate, errors, start lag, clock and
saturation), summary.csv, timeseries.csv and report.html, and copies each agent's folder to DIR/agents/<i>/.
A missing agent (no results.json: killed, never finished) is named, and the run marked incomplete.
  --out DIR   where to write the merged run
  --json      print the agents section and totals as JSON instead of the summary table
Exit code: 0 all thresholds and verdicts passed, 1 one failed, 2 an agent is missing or failed.
`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['out'], booleans: ['help', 'json'] });
  if (args.booleans.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError('merge needs the agents\' folders, e.g. servebench merge out/0 out/1 out/2 --out merged');
  if (args.values.out === undefined) throw new UsageError('--out is required: the folder to write the merged run to');
  const outDir = resolve(args.values.out);
  const inputs = [];
  for (const dir of args.positionals) inputs.push(await readAgentFolder(resolve(dir)));
  const first = inputs.find((i) => i.results?.agent)?.results?.agent?.whole_scenario.name ?? 'merged';
  const merged = mergeAgentResults(inputs, { runId: runId(first) });
  await writeMergedRun(outDir, merged, inputs);
  if (args.booleans.has('json')) process.stdout.write(`${JSON.stringify({ run_id: merged.run_id, out: outDir, exit_code: merged.exit_code, totals: { ...merged.totals, histogram: undefined }, agents: merged.agents, thresholds: merged.thresholds, warnings: merged.warnings, error: merged.error }, null, 2)}\n`);
  else process.stdout.write(`${formatSummary(merged)}\nservebench: wrote ${outDir}\n`);
  return merged.exit_code;
}
