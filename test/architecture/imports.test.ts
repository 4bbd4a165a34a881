// The shape of src/ as a rule, so it cannot drift: folders form layers (no two import each other,
// directly or round a loop), the results contract at the bottom imports nothing of the harness,
// the embedded server stands alone and only the CLI starts it, and every import is one a reader
// (and a bundler) can follow: no import by variable.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/servers.ts';

const SRC = path.join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

/** The src/ files a file imports (relative specifiers only; packages are not the question). */
function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)].map((m) => path.resolve(path.dirname(file), m[1]));
}

const folderOf = (file: string): string => path.relative(SRC, file).split(path.sep)[0];
const inFolder = (folder: string) => (file: string) => file.startsWith(path.join(SRC, folder) + path.sep);
const inServer = inFolder('server');
const edge = (from: string, to: string) => `${path.relative(SRC, from)} -> ${path.relative(SRC, to)}`;

/** Folder -> folder -> one file-level import that makes the edge (for the message). */
function folderGraph(files: string[]): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of files) {
    for (const target of localImports(file)) {
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from === to || !target.startsWith(SRC)) continue;
      const out = graph.get(from) ?? graph.set(from, new Map()).get(from)!;
      if (!out.has(to)) out.set(to, edge(file, target));
    }
  }
  return graph;
}

/** Strongly connected groups of more than one node (Tarjan): each is a cycle of folders. */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1) found.push(group.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('layers', () => {
  it('the cycle finder finds a loop of three folders and passes a chain', () => {
    const g = (edges: [string, string][]) => {
      const graph = new Map<string, Map<string, string>>();
      for (const [a, b] of edges) (graph.get(a) ?? graph.set(a, new Map()).get(a)!).set(b, `${a}->${b}`);
      return graph;
    };
    expect(cycles(g([['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd']]))).toEqual([['a', 'b', 'c']]);
    expect(cycles(g([['a', 'b'], ['b', 'c'], ['a', 'c']]))).toEqual([]);
  });

  it('no folders of src/ import each other, directly or round a loop', () => {
    const graph = folderGraph(sourceFiles(SRC));
    const loops = cycles(graph).map((group) => group.flatMap((from) => group.filter((to) => graph.get(from)?.has(to)).map((to) => graph.get(from)!.get(to)!)));
    expect(loops).toEqual([]);
  });

  // contract: results, events, resolved scenario; format: how numbers are shown. Every folder may import them.
  it.each(['contract', 'format'])('src/%s imports nothing outside itself', (folder) => {
    const crossing = sourceFiles(path.join(SRC, folder)).flatMap((f) => localImports(f).filter((i) => !inFolder(folder)(i)).map((i) => edge(f, i)));
    expect(crossing).toEqual([]);
  });

  it('every dynamic import names its module literally', () => {
    const byVariable = sourceFiles(SRC).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\bimport\(\s*([^'"`\s)][^)]*)\)/g)].map((m) => `${path.relative(SRC, f)}: import(${m[1]})`));
    // The worker bootstrap is the one exception: it builds a module URL for a worker thread's eval.
    expect(byVariable.filter((line) => !line.startsWith(path.join('server', 'workers', 'startWorker.ts')))).toEqual([]);
  });
});

describe('the server boundary', () => {
  it('src/server imports nothing outside src/server', () => {
    const crossing = sourceFiles(path.join(SRC, 'server')).flatMap((f) => localImports(f).filter((i) => i.startsWith(SRC) && !inServer(i)).map((i) => edge(f, i)));
    expect(crossing).toEqual([]);
  });

  it('outside src/server, only src/cli imports it', () => {
    const harness = sourceFiles(SRC).filter((f) => !inServer(f) && !inFolder('cli')(f));
    const crossing = harness.flatMap((f) => localImports(f).filter(inServer).map((i) => edge(f, i)));
    expect(crossing).toEqual([]);
  });
});
