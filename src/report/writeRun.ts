// Writes a run's folder: results.json first (the contract), then the files derived from it.
import { mkdir, writeFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { summaryCsv, timeseriesCsv, trialsCsv } from './csv.ts';
import type { RunResults } from '../contract/results.ts';

/** Writes atomically (temp file + rename) so a killed run never leaves half a results.json. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, text);
  await rename(temp, path);
}

/**
 * Everything derived from results.json: summary.csv, timeseries.csv, trials.csv (sweeps only) and
 * report.html. `servebench report` calls this alone to re-render an old run.
 */
export async function writeDerivedFiles(dir: string, results: RunResults): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  // Loaded on demand: vega is heavy and only the report needs it.
  const { renderRunReport } = await import('./html/report.ts');
  const files: [string, string][] = [
    ['summary.csv', summaryCsv(results)],
    ['timeseries.csv', timeseriesCsv(results)],
    ...(results.sweep ? [['trials.csv', trialsCsv(results)] as [string, string]] : []),
    ['report.html', await renderRunReport(results)],
  ];
  for (const [name, text] of files) await writeFileAtomic(join(dir, name), text);
  // A re-render of a run that is no longer a sweep must not leave a stale trials.csv beside it.
  if (!results.sweep) await rm(join(dir, 'trials.csv'), { force: true });
  return files.map(([name]) => join(dir, name));
}

export async function writeRunFolder(dir: string, results: RunResults): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  return [join(dir, 'results.json'), ...(await writeDerivedFiles(dir, results))];
}

/** `2026-11-25T12-03-04-mlp-quick`: sortable, readable, safe in every shell. */
export function runId(scenarioName: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replaceAll(':', '-');
  return `${stamp}-${scenarioName.replace(/[^A-Za-z0-9_.-]+/g, '-')}`;
}
