// The command lines of a distributed run, built in one place so every launcher (local `run
// --agents`, Kubernetes pods) starts the same `servebench agent` and `servebench merge`. Pure.

export interface AgentArgvOptions {
  /** The scenario file as the agent will see it (a path on the agent's machine or in its pod). */
  scenarioPath: string;
  /**
   * The agent's share, 0 to count-1; or a placeholder its launcher fills in before the process
   * starts, such as Kubernetes' `$(JOB_COMPLETION_INDEX)`.
   */
  shard: number | string;
  count: number;
  /** T0: when every agent starts its first phase. */
  startAt: Date;
  /** The agent's results folder. */
  outDir: string;
}

/** `servebench agent ...` without the leading `servebench`. Throws RangeError for an impossible share. */
export function agentArgv({ scenarioPath, shard, count, startAt, outDir }: AgentArgvOptions): string[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`agent count must be a whole number >= 1, got ${count}`);
  if (typeof shard === 'number' && !(Number.isInteger(shard) && shard >= 0 && shard < count)) {
    throw new RangeError(`shard must be a whole number from 0 to ${count - 1}, got ${shard}`);
  }
  if (Number.isNaN(startAt.getTime())) throw new RangeError('startAt is not a valid time');
  return ['agent', scenarioPath, '--shard', `${shard}/${count}`, '--start-at', startAt.toISOString(), '--out', outDir];
}

/** `servebench merge ...` without the leading `servebench`: the agents' folders into one results folder. */
export function mergeArgv({ agentDirs, outDir }: { agentDirs: readonly string[]; outDir: string }): string[] {
  if (agentDirs.length === 0) throw new RangeError('merge needs at least one agent folder');
  return ['merge', ...agentDirs, '--out', outDir];
}
