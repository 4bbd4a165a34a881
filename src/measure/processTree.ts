// The processes a server spawned (TorchServe's Python workers, Triton's backend stubs, MLServer's
// parallel workers): what a launched server costs is its whole tree, not its first PID.
import { readdir, readFile } from 'node:fs/promises';
import { procStatFields, readProcessUsage, type ProcessUsage } from './processUsage.ts';

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

/** The usage of each of these processes that still exists, in their order. */
export async function readUsages(pids: readonly number[]): Promise<Map<number, ProcessUsage>> {
  const readings = await Promise.all(pids.map(async (pid) => [pid, await readProcessUsage(pid)] as const));
  return new Map(readings.filter((r): r is readonly [number, ProcessUsage] => r[1] !== null));
}

/** A process and its descendants, each read once; null when the root is gone. The root comes first. */
export async function readTreeUsage(root: number): Promise<Map<number, ProcessUsage> | null> {
  const tree = await readUsages([root, ...(await descendantsOf(root).catch(() => []))]);
  return tree.has(root) ? tree : null;
}

/**
 * CPU ms the tree used between two readings: each process over the span it was seen in both (one
 * that started or ended in between counts from or to what was seen). Undefined when the root's own
 * counter went backwards: the PID now names another process.
 */
export function treeCpuBetween(before: ReadonlyMap<number, ProcessUsage>, after: ReadonlyMap<number, ProcessUsage>, root: number): number | undefined {
  const rootBefore = before.get(root);
  const rootAfter = after.get(root);
  if (!rootBefore || !rootAfter || rootAfter.cpuMs < rootBefore.cpuMs) return undefined;
  let total = 0;
  for (const [pid, usage] of after) {
    const was = before.get(pid);
    if (was && usage.cpuMs >= was.cpuMs) total += usage.cpuMs - was.cpuMs;
  }
  return total;
}
