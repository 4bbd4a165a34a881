// `servebench tune SCENARIO [--out DIR | --resume DIR]`: sweep the server's knobs, find each
// configuration's capacity, recommend one. Exit 0 a configuration met the SLO, 1 none did, 2 the
// run could not be finished (it can be resumed).
import { join, resolve } from 'node:path';
import { runId } from '../report/writeRun.ts';
import { formatTuneSummary } from '../tune/summary.ts';
import { loadTuneScenario } from '../tune/sweepSection.ts';
import { runTune } from '../tune/tune.ts';
import { startLiveView } from '../ui/liveView.ts';
import { LIVE_VIEW_FLAGS, LIVE_VIEW_HELP } from '../ui/select.ts';
import { UsageError, parseArgs } from './args.ts';

export const HELP = `Usage: servebench tune <scenario.yaml> [--out DIR | --resume DIR] [--strategy grid|adaptive]
                       [--target-rps N [--headroom 0.3]] [--json] [--no-dashboard] [--quiet]

Sweeps the server knobs listed in the scenario's sweep section (workers, max_batch_size,
max_batch_delay_us, intra_op_threads, max_queue_size). For each configuration it reloads the model
through the management API (or restarts a command target whose command line names the knobs) and searches the highest open-loop rate whose p99 and error rate meet
the SLO, then recommends a configuration and measures it at 50/80/100% of its capacity.
  --out DIR          the run folder (default reports/<run-id>/)
  --resume DIR       continue a run that was stopped or killed; finished trials are not redone
  --strategy S       grid (every combination) or adaptive (default: the scenario's)
  --target-rps N     capacity planning: replicas of the recommended configuration for N rps
  --headroom H       spare share of each replica's capacity for --target-rps (default 0.3)
  --json             print the recommendation as JSON
${LIVE_VIEW_HELP}
On a terminal a live dashboard shows the sweep (trial i/N, the configuration under test, the best
so far, ETA) above the current rate step; elsewhere (pipes, CI logs) progress lines go to stderr.
Writes results.json (with the sweep), trials.jsonl (one line per finished trial), recommendation.json,
servebench.yaml (servebench serve --config), config.properties (TorchServe), config.pbtxt (Triton).
A stop (q or Ctrl-C) ends after the current rate step and keeps every finished trial (resume with --resume DIR).
Exit code: 0 a configuration met the SLO, 1 none did, 2 the run could not be finished.
`;

function positiveNumber(value: string | undefined, flag: string, max = Number.POSITIVE_INFINITY): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0 && n < max)) throw new UsageError(`--${flag}: expected a number above 0${max < Infinity ? ` and below ${max}` : ''}, got "${value}"`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['out', 'resume', 'strategy', 'target-rps', 'headroom'], booleans: ['help', 'json', ...LIVE_VIEW_FLAGS] });
  if (args.booleans.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const [file, ...extra] = args.positionals;
  if (!file) throw new UsageError('tune needs a scenario file with a sweep section, e.g. servebench tune scenarios/tune-mlp.yaml');
  if (extra.length > 0) throw new UsageError(`tune takes one scenario file, got also: ${extra.join(' ')}`);
  if (args.values.out !== undefined && args.values.resume !== undefined) throw new UsageError('give --out for a new run or --resume for an existing one, not both');
  const strategy = args.values.strategy;
  if (strategy !== undefined && strategy !== 'grid' && strategy !== 'adaptive') throw new UsageError(`--strategy: expected grid or adaptive, got "${strategy}"`);
  const targetRps = positiveNumber(args.values['target-rps'], 'target-rps');
  const headroom = args.values.headroom === undefined ? undefined : Number(args.values.headroom);
  if (headroom !== undefined && !(headroom >= 0 && headroom < 1)) throw new UsageError(`--headroom: expected a share in [0, 1) like 0.3, got "${args.values.headroom}"`);
  if (headroom !== undefined && targetRps === undefined) throw new UsageError('--headroom goes with --target-rps N');

  const { scenario, spec } = await loadTuneScenario(file);
  if (strategy !== undefined) spec.strategy = strategy;
  const id = runId(`tune-${scenario.name}`);
  const dir = resolve(args.values.resume ?? args.values.out ?? join('reports', id));

  const controller = new AbortController();
  // The same live view as run and soak: the dashboard (with its sweep panel) on a terminal, plain
  // lines elsewhere or with --no-dashboard, nothing with --quiet; q/Ctrl-C stop after the rate step.
  const view = await startLiveView({ command: 'tune', flags: args.booleans, onStop: () => controller.abort() });
  let outcome;
  try {
    outcome = await runTune(scenario, spec, {
      runId: id,
      dir,
      resume: args.values.resume !== undefined,
      scenarioFile: file,
      targetRps,
      headroom,
      signal: controller.signal,
      onEvent: view.onEvent,
    });
  } finally {
    // The dashboard's last frame stays on screen; the summary prints below it.
    await view.stop();
  }
  const { results, recommendation } = outcome;
  if (args.booleans.has('json')) {
    process.stdout.write(`${JSON.stringify({ run_id: results.run_id, out: dir, exit_code: results.exit_code, trials: results.sweep?.trials.length ?? 0, recommendation: recommendation ?? null, warnings: results.warnings, error: results.error }, null, 2)}\n`);
  } else process.stdout.write(`${formatTuneSummary(results, recommendation, dir)}\n`);
  return results.exit_code;
}
