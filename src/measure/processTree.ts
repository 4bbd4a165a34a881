// The processes a server spawned (TorchServe's Python workers, Triton's backend stubs, MLServer's
// parallel workers): what a launched server costs is its whole tree, not its first PID.
import { readdir, readFile } from 'node:fs/promises';
import { procStatFields } from './processUsage.ts';

/** PID -> parent PID of every process /proc shows (Linux); empty elsewhere. */
async function parentsByPid(): Promise<Map<number, number>> {
  const parents = new Map<number, number>();
  if (process.platform !== 'linux') return parents;
  const names = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  await Promise.all(
    names.map(async (name) => {
      try {
        const ppid = Number(procStatFields(await readFile(`/proc/${name}/stat`, 'utf8'))[1]);
        if (Number.isFinite(ppid)) parents.set(Number(name), ppid);
      } catch {
        // Gone between the listing and the read.
      }
    }),
  );
  return parents;
}

/** Every descendant of `root` (children, their children...), not `root` itself. */
export function descendantsIn(parents: ReadonlyMap<number, number>, root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (found.includes(child) || child === root) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

export async function descendantsOf(root: number): Promise<number[]> {
  return descendantsIn(await parentsByPid(), root);
}
