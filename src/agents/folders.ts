// The merge's files: each agent's folder read (a missing results.json is a finding, not an error),
// the merged run written by the same writer as `run`, and each agent's folder kept under agents/<i>/.
import { cp, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { readResultsFile } from '../report/readResults.ts';
import type { RunResults } from '../contract/results.ts';
import { writeRunFolder } from '../report/writeRun.ts';
import type { AgentInput } from './merge.ts';

/** `DIR/agents/<i>`: where a merged run keeps agent i's own results. */
export const agentFolder = (outDir: string, index: number) => join(outDir, 'agents', String(index));

export async function readAgentFolder(dir: string, index?: number): Promise<AgentInput> {
  const info = await stat(dir).catch(() => undefined);
  // Named but absent: an agent killed before it wrote anything is as missing as one killed later.
  if (!info?.isDirectory()) return { source: dir, ...(index !== undefined ? { index } : {}), problem: `no folder ${dir} (the agent never wrote one; is the path right?)` };
  const file = join(dir, 'results.json');
  const exists = await stat(file).then(() => true, () => false);
  const base = { source: dir, ...(index !== undefined ? { index } : {}) };
  // An agent killed mid-run leaves no results.json (it is written whole at the end, atomically).
  if (!exists) return { ...base, problem: `no results.json in ${dir} (killed or never finished)` };
  return { ...base, results: await readResultsFile(file) };
}

export async function writeMergedRun(outDir: string, merged: RunResults, inputs: readonly AgentInput[]): Promise<void> {
  for (const input of inputs) {
    const index = input.results?.agent?.index ?? input.index;
    if (index === undefined) continue;
    const dest = resolve(agentFolder(outDir, index));
    if (relative(dest, resolve(input.source)) === '') continue; // local agents wrote there already
    await cp(input.source, dest, { recursive: true });
  }
  await writeRunFolder(outDir, merged);
}
