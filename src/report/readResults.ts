// Reads a run back for re-rendering: a results.json file, a run folder, or a killed soak's folder
// (soak.jsonl and no results.json, rebuilt by src/soak/folder.ts). Checks what the renderers rely
// on and says where the file is wrong, instead of failing later on an undefined field.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { RESULTS_SCHEMA, type RunResults } from '../contract/results.ts';
import { ServebenchError } from '../contract/errors.ts';

const REQUIRED: [string, 'string' | 'object' | 'array' | 'number'][] = [
  ['run_id', 'string'], ['started_at', 'string'], ['scenario', 'object'], ['target', 'object'], ['environment', 'object'],
  ['phases', 'array'], ['totals', 'object'], ['timeseries', 'array'], ['system', 'array'], ['verdicts', 'array'],
  ['thresholds', 'array'], ['warnings', 'array'], ['exit_code', 'number'],
];

const article = (kind: string) => (kind === 'object' || kind === 'array' ? `an ${kind}` : `a ${kind}`);

function kindOf(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

/** Parses results.json text; `source` names the file in messages. */
export function parseResults(text: string, source: string): RunResults {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ServebenchError('SB_ERR_RESULTS_INVALID', `${source}: not JSON (${(err as Error).message}); expected a results.json written by servebench run, tune or soak`);
  }
  if (kindOf(data) !== 'object') throw new ServebenchError('SB_ERR_RESULTS_INVALID', `${source}: expected a JSON object, got ${kindOf(data)}`);
  const record = data as Record<string, unknown>;
  if (record.schema !== RESULTS_SCHEMA) {
    throw new ServebenchError('SB_ERR_RESULTS_INVALID', `${source}: schema is ${JSON.stringify(record.schema)}, expected "${RESULTS_SCHEMA}" (is this a servebench results.json?)`);
  }
  for (const [field, kind] of REQUIRED) {
    if (kindOf(record[field]) !== kind) throw new ServebenchError('SB_ERR_RESULTS_INVALID', `${source}: ${field}: expected ${article(kind)}, got ${kindOf(record[field])}`);
  }
  const totals = record.totals as Record<string, unknown>;
  if (kindOf(totals.latency_us) !== 'object') throw new ServebenchError('SB_ERR_RESULTS_INVALID', `${source}: totals.latency_us: expected an object, got ${kindOf(totals.latency_us)}`);
  (record.phases as unknown[]).forEach((phase, i) => {
    const p = phase as Record<string, unknown>;
    for (const field of ['name', 'requests', 'latency_us', 'load']) {
      if (p?.[field] === undefined) throw new ServebenchError('SB_ERR_RESULTS_INVALID', `${source}: phases[${i}].${field}: missing`);
    }
  });
  const results = record as unknown as RunResults;
  // notes came after the first results files: an older run simply has none.
  return { ...results, notes: Array.isArray(record.notes) ? results.notes : [] };
}

export async function readResultsFile(path: string): Promise<RunResults> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ServebenchError('SB_ERR_RESULTS_NOT_FOUND', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; give a run folder or its results.json`);
  }
  return parseResults(text, path);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

export interface LoadedRun {
  results: RunResults;
  /** The run's folder: where its derived files belong by default. */
  dir: string;
}

export interface LoadRunOptions {
  /** Rebuilds a killed soak's results from its folder (src/soak/folder.ts's loadSoakFolder; soak sits above report). */
  loadSoakFolder: (dir: string) => Promise<RunResults>;
}

/** A results.json path, a run folder holding one, or a killed soak's folder. */
export async function loadRun(pathOrDir: string, options: LoadRunOptions): Promise<LoadedRun> {
  const path = resolve(pathOrDir);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new ServebenchError('SB_ERR_RESULTS_NOT_FOUND', `${pathOrDir} does not exist; give a run folder (reports/<run-id>) or its results.json`);
  if (info.isFile()) return { results: await readResultsFile(path), dir: dirname(path) };
  if (await exists(join(path, 'results.json'))) return { results: await readResultsFile(join(path, 'results.json')), dir: path };
  if (await exists(join(path, 'soak.jsonl'))) return { results: await options.loadSoakFolder(path), dir: path };
  throw new ServebenchError('SB_ERR_RESULTS_NOT_FOUND', `no results.json in ${pathOrDir}; give a folder written by servebench run, tune or soak`);
}
