// `servebench merge DIR... --out DIR`: add agents' results into one run folder (results.json, CSVs,
// report.html, as run writes them) with an `agents` section, each agent's folder kept under agents/<i>/.
import { resolve } from 'node:path';
import { readAgentFolder, writeMergedRun } from '../agents/folders.ts';
import { mergeAgentResults } from '../agents/merge.ts';
import { formatSummary } from '../report/summaryTable.ts';
import { runId } from '../report/writeRun.ts';
import { defineCommand } from './command.ts';
import { flag } from './flags.ts';
import { ServebenchError } from '../contract/errors.ts';

export default defineCommand({
  name: 'merge',
  usage: ['servebench merge <agent-dir>... --out DIR [--json]'],
  flags: {
    out: flag.text('DIR', 'where to write the merged run'),
    json: flag.switch('print the agents section and totals as JSON instead of the summary table'),
  },
  body: [
    `Adds the results of servebench agent runs (one folder each) into one run, as if one machine had sent
the whole load: HdrHistograms added exactly, counters summed, thresholds judged on the merged numbers.
Writes DIR/results.json (with an agents section: each agent's rate, errors, start lag, clock and
saturation), summary.csv, timeseries.csv and report.html, and copies each agent's folder to DIR/agents/<i>/.
A missing agent (no results.json: killed, never finished) is named, and the run marked incomplete.`,
    ['out', 'json'],
    'Exit code: 0 all thresholds and verdicts passed, 1 one failed, 2 an agent is missing or failed.',
  ],
  async run({ flags, positionals }) {
    if (positionals.length === 0) throw new ServebenchError('SB_ERR_USAGE', 'merge needs the agents\' folders, e.g. servebench merge out/0 out/1 out/2 --out merged');
    if (flags.out === undefined) throw new ServebenchError('SB_ERR_USAGE', '--out is required: the folder to write the merged run to');
    const outDir = resolve(flags.out);
    const inputs = [];
    for (const dir of positionals) inputs.push(await readAgentFolder(resolve(dir)));
    const first = inputs.find((i) => i.results?.agent)?.results?.agent?.whole_scenario.name ?? 'merged';
    const merged = mergeAgentResults(inputs, { runId: runId(first) });
    await writeMergedRun(outDir, merged, inputs);
    if (flags.json) process.stdout.write(`${JSON.stringify({ run_id: merged.run_id, out: outDir, exit_code: merged.exit_code, totals: { ...merged.totals, histogram: undefined }, agents: merged.agents, thresholds: merged.thresholds, warnings: merged.warnings, error: merged.error }, null, 2)}\n`);
    else process.stdout.write(`${formatSummary(merged)}\nservebench: wrote ${outDir}\n`);
    return merged.exit_code;
  },
});
