// `servebench report <run> [B] [--out DIR]`: re-render a run's HTML and CSVs from its results.json
// alone, or put two runs side by side.
import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic, writeDerivedFiles } from '../report/writeRun.ts';
import { loadSoakFolder } from '../soak/folder.ts';
import { loadRun } from '../report/readResults.ts';
import { defineCommand } from './command.ts';
import { flag } from './flags.ts';
import { ServebenchError } from '../contract/errors.ts';

export default defineCommand({
  name: 'report',
  usage: ['servebench report <run-dir|results.json> [B] [--out DIR]'],
  flags: {
    out: flag.text('DIR', 'where to write'),
  },
  body: [
    `One run: writes report.html, summary.csv, timeseries.csv (and trials.csv for a sweep) from its
results.json alone, into DIR (default: the run's own folder). A soak folder without results.json
(a killed soak) is rebuilt from its soak.jsonl.
Two runs (A then B): writes a comparison report.html into DIR (default reports/compare-<A>-vs-<B>/):
a warning first when they ran different scenarios, models or loads, then each phase's numbers
with the change from A to B (a ratio beyond a factor of ten), and their latency distributions overlaid.`,
    ['out'],
  ],
  positionals: { max: 2, what: 'one or two runs' },
  async run({ flags, positionals: [first, second] }) {
    if (!first) throw new ServebenchError('SB_ERR_USAGE', 'report needs a run folder or a results.json, e.g. servebench report reports/<run-id>');
    const a = await loadRun(first, { loadSoakFolder });
    if (second === undefined) {
      const out = resolve(flags.out ?? a.dir);
      const files = await writeDerivedFiles(out, a.results);
      process.stdout.write(`servebench: wrote ${files.join(', ')}\n`);
      return 0;
    }
    const b = await loadRun(second, { loadSoakFolder });
    const out = resolve(flags.out ?? join('reports', `compare-${a.results.run_id}-vs-${b.results.run_id}`.replace(/[^A-Za-z0-9_.-]+/g, '-')));
    const { renderComparisonReport } = await import('../report/html/report.ts');
    const { comparisonWarnings } = await import('../report/html/sections/compare.ts');
    // Said before anything else, on the terminal as at the top of the page.
    for (const warning of comparisonWarnings(a.results, b.results)) process.stdout.write(`servebench: warning: ${warning}\n`);
    await mkdir(out, { recursive: true });
    const file = join(out, 'report.html');
    await writeFileAtomic(file, await renderComparisonReport(a.results, b.results));
    process.stdout.write(`servebench: wrote ${file}\n`);
    return 0;
  },
});
