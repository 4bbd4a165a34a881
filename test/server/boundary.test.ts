// The embedded server stands alone: it imports nothing of the harness, and nothing of the harness
// imports it but the CLI (which starts it). So it can be read, run and replaced on its own.
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
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => path.resolve(path.dirname(file), m[1]));
}

const inServer = (file: string) => file.startsWith(path.join(SRC, 'server') + path.sep);

describe('the server boundary', () => {
  it('src/server imports nothing outside src/server', () => {
    const crossing = sourceFiles(path.join(SRC, 'server')).flatMap((f) => localImports(f).filter((i) => i.startsWith(SRC) && !inServer(i)).map((i) => `${path.relative(SRC, f)} -> ${path.relative(SRC, i)}`));
    expect(crossing).toEqual([]);
  });

  it('outside src/server, only src/cli imports it', () => {
    const harness = sourceFiles(SRC).filter((f) => !inServer(f) && !f.startsWith(path.join(SRC, 'cli') + path.sep));
    const crossing = harness.flatMap((f) => localImports(f).filter(inServer).map((i) => `${path.relative(SRC, f)} -> ${path.relative(SRC, i)}`));
    expect(crossing).toEqual([]);
  });
});
