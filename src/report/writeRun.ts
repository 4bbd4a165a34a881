// Writes a run's folder: results.json first (the contract), then the files derived from it.
import { mkdir, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { summaryCsv, timeseriesCsv } from './csv.ts';
import type { RunResults } from './results.ts';

/** Writes atomically (temp file + rename) so a killed run never leaves half a results.json. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, text);
  await rename(temp, path);
}

export async function writeRunFolder(dir: string, results: RunResults): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ['results.json', `${JSON.stringify(results, null, 2)}\n`],
    ['summary.csv', summaryCsv(results)],
    ['timeseries.csv', timeseriesCsv(results)],
  ];
  for (const [name, text] of files) await writeFileAtomic(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}

/** `2026-11-25T12-03-04-mlp-quick`: sortable, readable, safe in every shell. */
export function runId(scenarioName: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replaceAll(':', '-');
  return `${stamp}-${scenarioName.replace(/[^A-Za-z0-9_.-]+/g, '-')}`;
}
