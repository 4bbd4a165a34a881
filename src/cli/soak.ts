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
import { parseDurationSeconds, parseRate, parseSize, UnitError } from '../scenario/units.ts';
import { startLiveView } from '../ui/liveView.ts';
import { LIVE_VIEW_FLAGS, LIVE_VIEW_HELP } from '../ui/select.ts';
import { UsageError, parseArgs } from './args.ts';

export const HELP = `Usage: servebench soak <scenario.yaml|json> --duration 8h [--rate R] [--interval 10s]
                      [--warmup 2m] [--memory-limit 4GiB] [--out DIR] [--no-dashboard] [--quiet]
       servebench soak --resume DIR [--no-dashboard] [--quiet]

Holds a steady open-loop load on the scenario's target for a long time and samples, every
interval, the server's RSS, V8 heap and external memory, CPU, GPU memory, per-interval latency
percentiles and errors, and the harness's own RSS. Every interval is appended to DIR/soak.jsonl
as it is taken: a soak killed at any point still has a report (servebench report DIR) and can be
continued (--resume DIR). At the end: the memory trend after the warm-up (MB/hour with a 95%
confidence interval, the projected time to --memory-limit, a verdict: leak / no leak /
inconclusive), the same for p99 drift, results.json and the CSVs.

  --duration D       how long to hold the load (30s to try it, 8h overnight)
  --rate R           requests per second; default soak.rate, else half the capacity measured
                     by a 5 s closed-loop probe
  --interval D       time between samples (default 10s; shorter for short soaks)
  --warmup D         left out of the trend fits (default 20% of the duration, at most 2m)
  --memory-limit S   project the time to this much server memory (default: the machine's)
  --out DIR          where to write (default reports/<run-id>/)
  --resume DIR       continue a killed or interrupted soak for the time it still owes
${LIVE_VIEW_HELP}
Flags override the scenario's soak: section; its thresholds (default rss_slope < 5MB/h,
p99_drift < 10%) and the scenario's thresholds (over the soak after the warm-up) set the exit code.
A soak ended early (q, Ctrl-C) writes its results all the same; --resume DIR continues it.
Exit code: 0 all passed, 1 a threshold or verdict failed, 2 the soak could not be done or did not complete.
`;

function flagValue<T>(args: Record<string, string>, name: string, parse: (raw: string) => T, allowZero = false): T | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  try {
    const value = parse(raw);
    if (typeof value === 'number' && !(value > 0 || (allowZero && value === 0))) throw new UnitError(`expected a positive value, got ${JSON.stringify(raw)}`);
    return value;
  } catch (err) {
    if (err instanceof UnitError) throw new UsageError(`--${name}: ${err.message}`);
    throw err;
  }
}

function flagSection(values: Record<string, string>): SoakSection {
  const section: SoakSection = {
    duration_s: flagValue(values, 'duration', parseDurationSeconds),
    rate: flagValue(values, 'rate', parseRate),
    interval_s: flagValue(values, 'interval', parseDurationSeconds),
    warmup_s: flagValue(values, 'warmup', parseDurationSeconds, true),
    memory_limit_bytes: flagValue(values, 'memory-limit', parseSize),
  };
  return Object.fromEntries(Object.entries(section).filter(([, v]) => v !== undefined)) as SoakSection;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['duration', 'rate', 'interval', 'warmup', 'memory-limit', 'out', 'resume'], booleans: ['help', ...LIVE_VIEW_FLAGS] });
  if (args.booleans.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const controller = new AbortController();
  let view: Awaited<ReturnType<typeof startLiveView>> | undefined;
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
    if (args.values.resume !== undefined) {
      const extra = [...args.positionals, ...Object.keys(args.values).filter((k) => k !== 'resume').map((k) => `--${k}`)];
      if (extra.length > 0) throw new UsageError(`--resume continues a soak with its own scenario and settings; drop ${extra.join(' ')}`);
      outDir = resolve(args.values.resume);
      view = await startLiveView({ command: 'soak', flags: args.booleans, onStop: () => controller.abort() });
      results = await resumeSoak(outDir, common);
    } else {
      const [file, ...more] = args.positionals;
      if (!file) throw new UsageError('soak needs a scenario file, e.g. servebench soak scenarios/soak.yaml --duration 30s');
      if (more.length > 0) throw new UsageError(`soak takes one scenario file, got also: ${more.join(' ')}`);
      const flags = flagSection(args.values);
      const { scenario, section } = await loadSoakScenario(file);
      const settings = resolveSoakSettings(section, flags);
      const id = runId(scenario.name);
      outDir = resolve(args.values.out ?? join('reports', id));
      if (!args.booleans.has('quiet')) process.stderr.write(`servebench: soaking ${scenario.name} for ${settings.duration_s}s into ${outDir} (samples every ${settings.interval_s}s, warm-up ${settings.warmup_s}s)\n`);
      view = await startLiveView({ command: 'soak', flags: args.booleans, onStop: () => controller.abort() });
      results = await runSoak(scenario, settings, {
        ...common,
        outDir,
        runId: id,
        scenarioFile: file,
        sources: { rate: flags.rate !== undefined ? 'flag' : 'scenario', memoryLimit: flags.memory_limit_bytes !== undefined ? 'flag' : 'scenario' },
      });
    }
    // The dashboard's last frame stays on screen; the summary prints below it.
    await view.stop();
    process.stdout.write(`${formatSummary(results)}\n${formatSoakSummary(results)}\nservebench: wrote ${outDir}\n`);
    return results.exit_code;
  } finally {
    await view?.stop();
  }
}
