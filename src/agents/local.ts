// `servebench run SCENARIO --agents N`: N agent processes on this machine, each running the same
// `servebench agent` command a pod would, against one target the parent started (or the scenario's
// URL), all told one T0 a little ahead; then their folders merged into the run's.
import { fileURLToPath } from 'node:url';
import type { RunResults } from '../contract/results.ts';
import { startTarget, type RunningTarget } from '../runner/target.ts';
import { launchServerProcess, type ServerProcess } from '../runner/serverProcess.ts';
import type { Scenario } from '../contract/scenario.ts';
import { agentArgv } from './argv.ts';
import { agentFolder, readAgentFolder, writeMergedRun } from './folders.ts';
import { mergeAgentResults } from './merge.ts';
import { ServebenchError } from '../contract/errors.ts';

const SERVEBENCH_BIN = fileURLToPath(new URL('../../bin/servebench', import.meta.url));

/** Time for N processes to start (tsx compiles on first load) and reach the target before T0. */
export const LOCAL_START_LEAD_MS = 5000;

export interface LocalAgentsOptions {
  scenarioFile: string;
  scenario: Scenario;
  count: number;
  outDir: string;
  runId: string;
  signal: AbortSignal;
  /** Progress lines (each agent's, prefixed), for stderr. */
  onLine: (line: string) => void;
  leadMs?: number;
  /** Each agent's PID once it is running (tests kill one). */
  onSpawn?: (index: number, pid: number) => void;
}

export async function runLocalAgents(options: LocalAgentsOptions): Promise<RunResults> {
  const { scenario, count } = options;
  const shutdown = scenario.phases.find((p) => p.kind === 'shutdown');
  if (shutdown) throw new ServebenchError('SB_ERR_AGENT_OPTIONS', `--agents: phase ${shutdown.name} is a shutdown phase, which signals the server; with --agents the parent holds the server and no agent can, so run this scenario without --agents`);
  // One server for every agent, started once here (embedded or command); a URL target is shared as it is.
  const target: RunningTarget | undefined = scenario.target.kind === 'url' ? undefined : await startTarget(scenario);
  const children: ServerProcess[] = [];
  const stopChildren = () => children.forEach((c) => c.signal('SIGTERM'));
  options.signal.addEventListener('abort', stopChildren, { once: true });
  try {
    const startAtMs = Date.now() + (options.leadMs ?? LOCAL_START_LEAD_MS);
    for (let i = 0; i < count; i++) {
      const child = await launchServerProcess({
        file: process.execPath,
        // The command a pod runs, plus the one server every agent shares here.
        args: [SERVEBENCH_BIN, ...agentArgv({ scenarioPath: options.scenarioFile, shard: i, count, startAt: new Date(startAtMs), outDir: agentFolder(options.outDir, i) }), ...(target ? ['--target-url', target.origin] : []), '--quiet'],
        onStdoutLine: (line) => options.onLine(`[agent ${i}] ${line}`),
      });
      children.push(child);
      options.onSpawn?.(i, child.pid);
    }
    const exits = await Promise.all(children.map((c) => c.exited));
    for (const [i, exit] of exits.entries()) {
      if (exit.code === 0 || exit.code === 1) continue;
      const logs = (await children[i].finalLogs()).filter((l) => !l.startsWith('servebench agent')).slice(-5);
      options.onLine(`[agent ${i}] exited ${exit.signal ?? `with code ${exit.code}`}${logs.length > 0 ? `: ${logs.join(' | ')}` : ''}`);
    }
  } finally {
    options.signal.removeEventListener('abort', stopChildren);
    await Promise.all(children.map((c) => c.stop(5000)));
    await target?.stop();
  }
  const inputs = await Promise.all(children.map((_, i) => readAgentFolder(agentFolder(options.outDir, i), i)));
  const merged = mergeAgentResults(inputs, { runId: options.runId });
  await writeMergedRun(options.outDir, merged, inputs);
  return merged;
}
