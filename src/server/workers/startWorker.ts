// Starts a worker thread from a sibling module of this folder, under tsx or from compiled JS.
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const EXTENSION = extname(fileURLToPath(import.meta.url));

/**
 * A .ts entry (everything runs through tsx) needs tsx's loader inside the thread, and on Node 20
 * `execArgv: ['--import', 'tsx']` does not give it: tsx registers its hooks in the main thread only
 * there (privatenumber/tsx#354). So a two-line bootstrap registers tsx's ESM API in the thread,
 * then imports the entry.
 */
export function startWorker(entry: 'worker' | 'inspect', workerData: unknown): Worker {
  const url = new URL(`./${entry}${EXTENSION}`, import.meta.url);
  if (EXTENSION !== '.ts') return new Worker(url, { workerData });
  const bootstrap = `import(${JSON.stringify(tsxApiUrl())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** tsx's ESM API, resolved from this file so the server can start from any directory. */
function tsxApiUrl(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = require(pkgPath) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api'].import.default)).href;
}
