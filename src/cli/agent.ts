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
import { defineCommand, type CommandInput } from './command.ts';
import { flag, LIVE_VIEW_FLAGS, LIVE_VIEW_NOTE } from './flags.ts';
import { ServebenchError } from '../contract/errors.ts';

const flags = {
  shard: flag.text('I/N', 'this agent\'s index and the number of agents (0/3, 1/3, 2/3)'),
  'start-at': flag.text('T0', 'when every agent starts: ISO 8601 with a zone (2026-12-07T10:00:00Z) or ms since the epoch'),
  out: flag.text('DIR', 'where to write this agent\'s results'),
  'target-url': flag.text('URL', 'send to this server instead of the scenario\'s target (one shared server)'),
  ...LIVE_VIEW_FLAGS,
};

export default defineCommand({
  name: 'agent',
  usage: ['servebench agent <scenario.yaml|json> --shard I/N --start-at T0 --out DIR [--target-url URL]'],
  flags,
  body: [
    `Runs agent I's share (of N, counting from 0) of a scenario spread over N load generators: its part
of every phase's rate, connections and ramp steps (shares add up exactly to the whole); shutdown and
flap phases are driven by agent 0 alone. Waits until the target is ready, reads its clock against the
target's HTTP Date header, starts the first phase at T0 and writes DIR/results.json (with per-phase and
per-second HdrHistograms), the CSVs and report.html. Merge the agents' folders with servebench merge.
Thresholds are not judged here: the merge judges them on the whole load.`,
    ['shard', 'start-at', 'out', 'target-url', 'no-dashboard', 'quiet'],
    LIVE_VIEW_NOTE,
    'Exit code: 0 its verdicts passed, 1 one failed, 2 it could not run.',
  ],
  positionals: { max: 1, what: 'one scenario file' },
  run: runShare,
});

async function runShare({ flags: values, given, positionals: [file] }: CommandInput<typeof flags>): Promise<number> {
  if (!file) throw new ServebenchError('SB_ERR_USAGE', 'agent needs a scenario file, e.g. servebench agent scenarios/quick.yaml --shard 0/2 --start-at 2026-12-07T10:00:00Z --out out/0');
  for (const name of ['shard', 'start-at', 'out'] as const) if (values[name] === undefined) throw new ServebenchError('SB_ERR_USAGE', `--${name} is required`);
  // Checked before the scenario loads or anything starts: a bad pod spec fails at once.
  const shard = parseShard(values.shard!);
  const startAtMs = parseStartAt(values['start-at']!, Date.now());
  const loaded = (await loadScenarioFile(file)).scenario;
  const targetUrl = values['target-url'];
  if (targetUrl !== undefined && !/^https?:\/\/[^/]+/.test(targetUrl)) throw new ServebenchError('SB_ERR_USAGE', `--target-url ${targetUrl}: expected http://host:port`);
  const scenario = targetUrl ? withTargetUrl(loaded, targetUrl.replace(/\/+$/, '')) : loaded;
  const outDir = resolve(values.out!);
  const name = `agent ${shard.index}/${shard.count}`;
  // The folder exists from the start: one without results.json is an agent that did not finish.
  await mkdir(outDir, { recursive: true });

  const controller = new AbortController();
  const view = await startLiveView({ command: 'agent', flags: given, onStop: () => controller.abort() });
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
