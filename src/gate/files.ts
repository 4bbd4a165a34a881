// Gate samples on disk: read a baseline file, a results.json, a run folder or a gate's own output
// folder; write a baseline atomically so a killed job never leaves half of one.
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../report/writeRun.ts';
import { mergeResults, parseSampleData, type SampleSet } from './baseline.ts';
import { ServebenchError } from '../contract/errors.ts';

/** The gate's output folder holds the current side as this file (a baseline-format samples file). */
export const SAMPLES_FILE = 'samples.json';

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ServebenchError('SB_ERR_GATE_INPUT', `${file}: not valid JSON (${(err as Error).message})`);
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

/** `repeat-1`, `repeat-2`... of a gate output folder, in repeat order. */
async function repeatFolders(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => /^repeat-\d+$/.test(n)).sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
  const found: string[] = [];
  for (const name of names) if (await exists(join(dir, name, 'results.json'))) found.push(join(dir, name, 'results.json'));
  return found;
}

/**
 * Gate samples from a path: a baseline file, a results.json, a run folder (results.json inside),
 * or a gate output folder (samples.json, else repeat-N/results.json).
 */
export async function readSampleSet(path: string, role: 'baseline' | 'current'): Promise<SampleSet> {
  let info;
  try {
    info = await stat(path);
  } catch {
    if (role === 'baseline') throw new ServebenchError('SB_ERR_GATE_NO_BASELINE', `baseline ${path} does not exist; run with --update-baseline to create one`);
    throw new ServebenchError('SB_ERR_GATE_INPUT', `${path} does not exist; give a baseline file, a results.json or a run folder`);
  }
  if (!info.isDirectory()) return parseSampleData(await readJson(path), path);
  for (const name of [SAMPLES_FILE, 'results.json']) {
    const file = join(path, name);
    if (await exists(file)) return parseSampleData(await readJson(file), file);
  }
  const repeats = await repeatFolders(path);
  if (repeats.length === 0) throw new ServebenchError('SB_ERR_GATE_INPUT', `${path}: no ${SAMPLES_FILE}, results.json or repeat-N/results.json inside; give a run folder or a baseline file`);
  return mergeResults(await Promise.all(repeats.map(async (file) => ({ results: await readJson(file), source: file }))));
}

export async function writeSampleSet(path: string, set: SampleSet): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(set, null, 2)}\n`);
}

export async function fileExists(path: string): Promise<boolean> {
  return exists(path);
}
