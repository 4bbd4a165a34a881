// `servebench tune SCENARIO [--out DIR | --resume DIR]`: sweep the server's knobs, find each
// configuration's capacity, recommend one. Exit 0 a configuration met the SLO, 1 none did, 2 the
// run could not be finished (it can be resumed).
import { join, resolve } from 'node:path';
import { runId } from '../report/writeRun.ts';
import { formatTuneSummary } from '../tune/summary.ts';
import { loadTuneScenario } from '../tune/sweepSection.ts';
import { runTune } from '../tune/tune.ts';
import { startLiveView } from '../ui/liveView.ts';
import { defineCommand } from './command.ts';
import { flag, LIVE_VIEW_FLAGS, LIVE_VIEW_NOTE } from './flags.ts';
import { ServebenchError } from '../contract/errors.ts';

const flags = {
  out: flag.text('DIR', 'the run folder', { defaultNote: 'reports/<run-id>/' }),
  resume: flag.text('DIR', 'continue a run that was stopped or killed; finished trials are not redone'),
  strategy: flag.choice('S', ['grid', 'adaptive'] as const, 'grid (every combination) or adaptive', { defaultNote: 'the scenario\'s' }),
  'target-rps': flag.number('N', 'capacity planning: replicas of the recommended configuration for N rps', { expected: 'a number above 0', accepts: (n) => n > 0 }),
  headroom: flag.number('H', 'spare share of each replica\'s capacity for --target-rps', { expected: 'a share in [0, 1) like 0.3', accepts: (n) => n >= 0 && n < 1 }, { default: '0.3' }),
  json: flag.switch('print the recommendation as JSON'),
  ...LIVE_VIEW_FLAGS,
};

export default defineCommand({
  name: 'tune',
  usage: [
    'servebench tune <scenario.yaml> [--out DIR | --resume DIR] [--strategy grid|adaptive]',
    '                [--target-rps N [--headroom 0.3]] [--json] [--no-dashboard] [--quiet]',
  ],
  flags,
  body: [
    `Sweeps the server knobs listed in the scenario's sweep section (workers, max_batch_size,
max_batch_delay_us, intra_op_threads, max_queue_size). For each configuration it reloads the model
through the management API (or restarts a command target whose command line names the knobs) and searches the highest open-loop rate whose p99 and error rate meet
the SLO, then recommends a configuration and measures it at 50/80/100% of its capacity.`,
    ['out', 'resume', 'strategy', 'target-rps', 'headroom', 'json', 'no-dashboard', 'quiet'],
    `${LIVE_VIEW_NOTE}
On a terminal a live dashboard shows the sweep (trial i/N, the configuration under test, the best
so far, ETA) above the current rate step; elsewhere (pipes, CI logs) progress lines go to stderr.
Writes results.json (with the sweep), trials.jsonl (one line per finished trial), recommendation.json,
servebench.yaml (servebench serve --config), config.properties (TorchServe), config.pbtxt (Triton).
A stop (q or Ctrl-C) ends after the current rate step and keeps every finished trial (resume with --resume DIR).
Exit code: 0 a configuration met the SLO, 1 none did, 2 the run could not be finished.`,
  ],
  positionals: { max: 1, what: 'one scenario file' },
  async run({ flags: values, given, positionals: [file] }) {
    if (!file) throw new ServebenchError('SB_ERR_USAGE', 'tune needs a scenario file with a sweep section, e.g. servebench tune scenarios/tune-mlp.yaml');
    if (values.out !== undefined && values.resume !== undefined) throw new ServebenchError('SB_ERR_USAGE', 'give --out for a new run or --resume for an existing one, not both');
    if (given.has('headroom') && values['target-rps'] === undefined) throw new ServebenchError('SB_ERR_USAGE', '--headroom goes with --target-rps N');

    const { scenario, spec } = await loadTuneScenario(file);
    if (values.strategy !== undefined) spec.strategy = values.strategy;
    const id = runId(`tune-${scenario.name}`);
    const dir = resolve(values.resume ?? values.out ?? join('reports', id));

    const controller = new AbortController();
    // The same live view as run and soak: the dashboard (with its sweep panel) on a terminal, plain
    // lines elsewhere or with --no-dashboard, nothing with --quiet; q/Ctrl-C stop after the rate step.
    const view = await startLiveView({ command: 'tune', flags: given, onStop: () => controller.abort() });
    let outcome;
    try {
      outcome = await runTune(scenario, spec, {
        runId: id,
        dir,
        resume: values.resume !== undefined,
        scenarioFile: file,
        targetRps: values['target-rps'],
        headroom: values.headroom,
        signal: controller.signal,
        onEvent: view.onEvent,
      });
    } finally {
      // The dashboard's last frame stays on screen; the summary prints below it.
      await view.stop();
    }
    const { results, recommendation } = outcome;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ run_id: results.run_id, out: dir, exit_code: results.exit_code, trials: results.sweep?.trials.length ?? 0, recommendation: recommendation ?? null, warnings: results.warnings, error: results.error }, null, 2)}\n`);
    } else process.stdout.write(`${formatTuneSummary(results, recommendation, dir)}\n`);
    return results.exit_code;
  },
});
