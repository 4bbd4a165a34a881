// `servebench soak SCENARIO --duration 8h [...]` and `servebench soak --resume DIR`: hold a steady
// load, journal every interval, judge memory and p99 trends; exit 0 passed, 1 failed, 2 not run.
import { join, resolve } from 'node:path';
import { formatSummary } from '../report/summaryTable.ts';
import type { RunEvent } from '../contract/events.ts';
import { runId } from '../report/writeRun.ts';
import { loadSoakScenario } from '../soak/load.ts';
import { resumeSoak, runSoak } from '../soak/run.ts';
import type { SoakSection } from '../soak/section.ts';
import { resolveSoakSettings } from '../soak/settings.ts';
import { formatSoakSummary } from '../soak/summary.ts';
import { parseDurationSeconds, parseRate, parseSize } from '../scenario/units.ts';
import { startLiveView } from '../ui/liveView.ts';
import { defineCommand } from './command.ts';
import { flag, LIVE_VIEW_FLAGS, LIVE_VIEW_NOTE } from './flags.ts';
import { runSummaryJson } from './summaryJson.ts';
import { ServebenchError } from '../contract/errors.ts';

const flags = {
  duration: flag.quantity('D', 'how long to hold the load (30s to try it, 8h overnight)', parseDurationSeconds),
  rate: flag.quantity('R', 'requests per second; default soak.rate, else half the capacity measured\nby a 5 s closed-loop probe', parseRate),
  interval: flag.quantity('D', 'time between samples', parseDurationSeconds, { defaultNote: '10s; shorter for short soaks' }),
  warmup: flag.quantity('D', 'left out of the trend fits', parseDurationSeconds, { allowZero: true, defaultNote: '20% of the duration, at most 2m' }),
  'memory-limit': flag.quantity('S', 'project the time to this much server memory', parseSize, { defaultNote: 'the machine\'s' }),
  out: flag.text('DIR', 'where to write', { defaultNote: 'reports/<run-id>/' }),
  resume: flag.text('DIR', 'continue a killed or interrupted soak for the time it still owes'),
  json: flag.switch('print the final summary as JSON instead of a table'),
  ...LIVE_VIEW_FLAGS,
};

/** The flags that set up a new soak; a resumed one keeps its own. */
const SETUP_FLAGS = ['duration', 'rate', 'interval', 'warmup', 'memory-limit', 'out'] as const;

const soak = defineCommand({
  name: 'soak',
  usage: [
    'servebench soak <scenario.yaml|json> --duration 8h [--rate R] [--interval 10s]',
    '                [--warmup 2m] [--memory-limit 4GiB] [--out DIR] [--json] [--no-dashboard] [--quiet]',
    'servebench soak --resume DIR [--json] [--no-dashboard] [--quiet]',
  ],
  flags,
  body: [
    `Holds a steady open-loop load on the scenario's target for a long time and samples, every
interval, the server's RSS, V8 heap and external memory, CPU, GPU memory, per-interval latency
percentiles and errors, and the harness's own RSS. Every interval is appended to DIR/soak.jsonl
as it is taken: a soak killed at any point still has a report (servebench report DIR) and can be
continued (--resume DIR). At the end: the memory trend after the warm-up (MB/hour with a 95%
confidence interval, the projected time to --memory-limit, a verdict: leak / no leak /
inconclusive), the same for p99 drift, results.json and the CSVs.
`,
    ['duration', 'rate', 'interval', 'warmup', 'memory-limit', 'out', 'resume', 'json', 'no-dashboard', 'quiet'],
    `${LIVE_VIEW_NOTE}
Flags override the scenario's soak: section; its thresholds (default rss_slope < 5MB/h,
p99_drift < 10%) and the scenario's thresholds (over the soak after the warm-up) set the exit code.
A soak ended early (q, Ctrl-C) writes its results all the same; --resume DIR continues it.
Exit code: 0 all passed, 1 a threshold or verdict failed, 2 the soak could not be done or did not complete.`,
  ],
  positionals: { max: 1, what: 'one scenario file' },
  async run({ flags: values, given, positionals }) {
    const controller = new AbortController();
    let view: Awaited<ReturnType<typeof startLiveView>> | undefined;
    const startView = async () => {
      view = await startLiveView({ command: 'soak', flags: given, onStop: () => controller.abort() });
    };
    const common = {
      signal: controller.signal,
      onEvent: (event: RunEvent) => view?.onEvent(event),
      onInfo: (line: string) => {
        // Plain lines only: the dashboard owns the terminal once it draws.
        if (view?.mode === 'plain') process.stderr.write(`servebench: ${line}\n`);
      },
    };
    try {
      let results;
      let outDir: string;
      if (values.resume !== undefined) {
        const setup = [...given].filter((name) => (SETUP_FLAGS as readonly string[]).includes(name));
        const extra = [...positionals, ...setup.map((name) => `--${name}`)];
        if (extra.length > 0) throw new ServebenchError('SB_ERR_USAGE', `--resume continues a soak with its own scenario and settings; drop ${extra.join(' ')}`);
        outDir = resolve(values.resume);
        await startView();
        results = await resumeSoak(outDir, common);
      } else {
        const [file] = positionals;
        if (!file) throw new ServebenchError('SB_ERR_USAGE', 'soak needs a scenario file, e.g. servebench soak scenarios/soak.yaml --duration 30s');
        const section: SoakSection = {
          duration_s: values.duration,
          rate: values.rate,
          interval_s: values.interval,
          warmup_s: values.warmup,
          memory_limit_bytes: values['memory-limit'],
        };
        const fromFlags = Object.fromEntries(Object.entries(section).filter(([, v]) => v !== undefined)) as SoakSection;
        const { scenario, section: fromScenario } = await loadSoakScenario(file);
        const settings = resolveSoakSettings(fromScenario, fromFlags);
        const id = runId(scenario.name);
        outDir = resolve(values.out ?? join('reports', id));
        if (!values.quiet) process.stderr.write(`servebench: soaking ${scenario.name} for ${settings.duration_s}s into ${outDir} (samples every ${settings.interval_s}s, warm-up ${settings.warmup_s}s)\n`);
        await startView();
        results = await runSoak(scenario, settings, {
          ...common,
          outDir,
          runId: id,
          scenarioFile: file,
          sources: { rate: values.rate !== undefined ? 'flag' : 'scenario', memoryLimit: values['memory-limit'] !== undefined ? 'flag' : 'scenario' },
        });
      }
      // The dashboard's last frame stays on screen; the summary prints below it.
      await view?.stop();
      if (values.json) process.stdout.write(`${JSON.stringify(runSummaryJson(results, outDir), null, 2)}\n`);
      else process.stdout.write(`${formatSummary(results)}\n${formatSoakSummary(results)}\nservebench: wrote ${outDir}\n`);
      return results.exit_code;
    } finally {
      await view?.stop();
    }
  },
});
export default soak;
