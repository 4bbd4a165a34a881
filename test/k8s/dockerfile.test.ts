// The image the Kubernetes manifests run, checked without Docker (not available where the tests
// run): the Dockerfile's instructions are parsed and their key facts asserted against the repo.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGE_UID } from '../../src/k8s/manifests.ts';
import { REPO_ROOT } from '../helpers/servers.ts';

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions: comments dropped, `\` continuations joined, keywords upper-cased. */
function instructions(text: string): Instruction[] {
  const logical = text.split('\n').filter((line) => !/^\s*#/.test(line)).join('\n').replace(/\\\n/g, ' ');
  return logical.split('\n').map((line) => line.trim()).filter((line) => line !== '').map((line) => {
    const [keyword, ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

/** `.dockerignore` patterns, comments and blanks dropped. */
function ignored(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

const dockerfile = instructions(readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'));
const dockerignore = ignored(readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8'));
const all = (keyword: string) => dockerfile.filter((i) => i.keyword === keyword);

describe('the Dockerfile', () => {
  it('builds on node 20 slim', () => {
    expect(dockerfile[0].keyword).toBe('FROM');
    expect(dockerfile[0].args).toMatch(/^node:20(\.\d+)*-slim\b/);
    expect(all('FROM')).toHaveLength(1);
  });

  it('installs production dependencies from the lock file, without onnxruntime\'s CUDA download', () => {
    expect(all('RUN').map((r) => r.args).join('\n')).toMatch(/\bnpm ci --omit=dev\b/);
    expect(all('ENV').map((e) => e.args).join(' ')).toMatch(/\bONNXRUNTIME_NODE_INSTALL=skip\b/);
    const install = dockerfile.findIndex((i) => i.keyword === 'RUN' && i.args.includes('npm ci'));
    const lockCopied = dockerfile.findIndex((i) => i.keyword === 'COPY' && /\bpackage-lock\.json\b/.test(i.args));
    expect(lockCopied).toBeGreaterThanOrEqual(0);
    expect(lockCopied).toBeLessThan(install);
  });

  it('copies only files that exist in the repository and that .dockerignore lets through', () => {
    const sources = all('COPY').flatMap((c) => {
      const words = c.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      return words.slice(0, -1);
    });
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(path.join(REPO_ROOT, source)), source).toBe(true);
      expect(dockerignore.filter((pattern) => pattern.replace(/\/$/, '') === source.replace(/\/$/, '')), source).toEqual([]);
    }
    // What bin/servebench needs at run time is all there.
    for (const needed of ['package.json', 'package-lock.json', 'bin', 'src', 'tsconfig.json']) expect(sources).toContain(needed);
  });

  it('runs as the non-root node user the manifests name by uid, with servebench as its entrypoint', () => {
    const users = all('USER').map((u) => u.args);
    expect(users.at(-1)).toBe('node');
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    // node images create `node` as uid 1000; the pods' runAsUser and fsGroup say the same.
    expect(IMAGE_UID).toBe(1000);
    const entrypoint = all('ENTRYPOINT');
    expect(entrypoint).toHaveLength(1);
    const exec = JSON.parse(entrypoint[0].args) as string[];
    expect(exec).toEqual(['/app/bin/servebench']);
    const workdir = all('WORKDIR').at(-1)?.args;
    expect(workdir).toBe('/app');
    accessSync(path.join(REPO_ROOT, 'bin', 'servebench'), constants.X_OK);
  });

  it('.dockerignore keeps node_modules, .peers and reports out of the build context', () => {
    for (const pattern of ['node_modules', '.peers', 'reports']) expect(dockerignore).toContain(pattern);
  });
});
