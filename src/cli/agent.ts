// `servebench agent SCENARIO --shard I/N --start-at T0 --out DIR`: run one agent's share of a
// scenario, starting its schedule at T0, and write its results (with per-second histograms) for
// `servebench merge`. Exit as run: 0 passed, 1 a verdict failed, 2 could not run.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runAgent, withTargetUrl } from '../agents/agentRun.ts';
import { parseShard, parseStartAt } from '../agents/startAt.ts';
import { runId } from '../report/writeRun.ts';
import { writeRunFolder } from '../report/writeRun.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { startLiveView } from '../ui/liveView.ts';
import { LIVE_VIEW_FLAGS, LIVE_VIEW_HELP } from '../ui/select.ts';
import { parseArgs, UsageError } from './args.ts';

export const HELP = `Usage: servebench agent <scenario.yaml|json> --shard I/N --start-at T0 --out DIR [--target-url URL]

Runs agent I's share (of N, counting from 0) of a scenario spread over N load generators: its part
of every phase's rate, connections and ramp steps (shares add up exactly to the whole); shutdown and
flap phases are driven by agent 0 alone. Waits until the target is ready, reads its clock against the
target's HTTP Date header, starts the first phase at T0 and writes DIR/results.json (with per-phase and
per-second HdrHistograms), the CSVs and report.html. Merge the agents' folders with servebench merge.
Thresholds are not judged here: the merge judges them on the whole load.
  --shard I/N        this agent's index and the number of agents (0/3, 1/3, 2/3)
  --start-at T0      when every agent starts: ISO 8601 with a zone (2026-12-07T10:00:00Z) or ms since the epoch
  --out DIR          where to write this agent's results
  --target-url URL   send to this server instead of the scenario's target (one shared server)
${LIVE_VIEW_HELP}
Exit code: 0 its verdicts passed, 1 one failed, 2 it could not run.
`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['shard', 'start-at', 'out', 'target-url'], booleans: ['help', ...LIVE_VIEW_FLAGS] });
  if (args.booleans.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const [file, ...extra] = args.positionals;
  if (!file) throw new UsageError('agent needs a scenario file, e.g. servebench agent scenarios/quick.yaml --shard 0/2 --start-at 2026-12-07T10:00:00Z --out out/0');
  if (extra.length > 0) throw new UsageError(`agent takes one scenario file, got also: ${extra.join(' ')}`);
  for (const flag of ['shard', 'start-at', 'out']) if (args.values[flag] === undefined) throw new UsageError(`--${flag} is required`);
  // Checked before the scenario loads or anything starts: a bad pod spec fails at once.
  const shard = parseShard(args.values.shard);
  const startAtMs = parseStartAt(args.values['start-at'], Date.now());
  const loaded = (await loadScenarioFile(file)).scenario;
  const targetUrl = args.values['target-url'];
  if (targetUrl !== undefined && !/^https?:\/\/[^/]+/.test(targetUrl)) throw new UsageError(`--target-url ${targetUrl}: expected http://host:port`);
  const scenario = targetUrl ? withTargetUrl(loaded, targetUrl.replace(/\/+$/, '')) : loaded;
  const outDir = resolve(args.values.out);
  const name = `agent ${shard.index}/${shard.count}`;
  // The folder exists from the start: one without results.json is an agent that did not finish.
  await mkdir(outDir, { recursive: true });

  const controller = new AbortController();
  const view = await startLiveView({ command: 'agent', flags: args.booleans, onStop: () => controller.abort() });
  let results;
  try {
    results = await runAgent({
      scenario,
      scenarioFile: file,
      shard,
      startAtMs,
      runId: `${runId(scenario.name)}-agent-${shard.index}-of-${shard.count}`,
      signal: controller.signal,
      onEvent: view.onEvent,
      onStart: (lagMs, clock) => {
        const offset = clock.offset_ms !== undefined ? `clock ${clock.offset_ms} ms ±${clock.uncertainty_ms} off the target's Date` : `clock not measured (${clock.note})`;
        process.stdout.write(`servebench ${name}: started ${lagMs.toFixed(1)} ms after T0 (pid ${process.pid}; ${offset})\n`);
      },
    });
    await writeRunFolder(outDir, results);
  } finally {
    await view.stop();
  }
  process.stdout.write(`servebench ${name}: ${results.totals.requests} requests, ${results.exit_code === 2 ? `could not run: ${results.error}` : `exit ${results.exit_code}`}; wrote ${outDir}\n`);
  return results.exit_code;
}
