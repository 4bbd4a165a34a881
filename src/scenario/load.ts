// Scenario files in: YAML or JSON by extension, validated against the schema, checked, resolved.
// Every problem of a file is reported at once, with its field path and line.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { type FieldPath, formatPath, Problems, ScenarioError, type ScenarioIssue } from './errors.ts';
import type { ScenarioInput } from './input.ts';
import { type ResolveContext, resolveScenario } from './resolve.ts';
import type { Scenario } from '../contract/scenario.ts';
import { schemaProblems } from './validate.ts';

/** The package's root folder (where models/ and fixtures/ live), whatever the cwd. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

type Locate = (path: FieldPath) => { line: number; column: number } | undefined;

export interface ParseOptions extends Partial<ResolveContext> {
  /** Maps a field path to its line in the source, for messages. */
  locate?: Locate;
}

/** Rank of a path in the data's own order, so problems are listed top to bottom. */
function documentOrder(data: unknown, fieldPath: FieldPath): number[] {
  const ranks: number[] = [];
  let node = data;
  for (const part of fieldPath) {
    const keys = node !== null && typeof node === 'object' ? Object.keys(node) : [];
    const rank = typeof part === 'number' ? part : keys.indexOf(part);
    ranks.push(rank < 0 ? Number.MAX_SAFE_INTEGER : rank);
    node = (node as Record<string | number, unknown> | undefined)?.[part];
  }
  return ranks;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function toIssues(problems: Problems, data: unknown, locate?: Locate): ScenarioIssue[] {
  return problems.list
    .map((p) => ({ p, rank: documentOrder(data, p.path) }))
    .sort((a, b) => compareRanks(a.rank, b.rank))
    .map(({ p }) => ({ path: formatPath(p.path), message: p.message, ...locate?.(p.path) }));
}

/**
 * Validate and resolve scenario data (already parsed from YAML/JSON). Pure given its options:
 * without `malformedClasses`, malformed class names are not checked; without `baseDir`, a relative
 * models_dir is taken from the cwd. Throws ScenarioError listing every problem.
 */
export function parseScenario(data: unknown, source: string, options: ParseOptions = {}): Scenario {
  const context: ResolveContext = {
    baseDir: options.baseDir ?? process.cwd(),
    defaultModelsDir: options.defaultModelsDir ?? path.join(PACKAGE_ROOT, 'models'),
    malformedClasses: options.malformedClasses ?? (() => undefined),
  };
  const invalid = schemaProblems(data);
  if (!invalid.empty) throw new ScenarioError(source, toIssues(invalid, data, options.locate));
  const problems = new Problems();
  const scenario = resolveScenario(data as ScenarioInput, source, context, problems);
  if (!problems.empty) throw new ScenarioError(source, toIssues(problems, data, options.locate));
  return scenario;
}

/**
 * The classes of fixtures/malformed/<model>.json (each case has a `class`), or undefined when the
 * model has no corpus.
 */
export function readMalformedClasses(model: string, fixturesDir = path.join(PACKAGE_ROOT, 'fixtures', 'malformed')): readonly string[] | undefined {
  if (!/^[A-Za-z0-9._-]+$/.test(model)) return undefined;
  const file = path.join(fixturesDir, `${model}.json`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const cases: unknown = JSON.parse(text);
  if (!Array.isArray(cases) || cases.some((c) => typeof (c as { class?: unknown })?.class !== 'string')) {
    throw new ScenarioError(file, [{ path: '', message: 'expected a JSON list of malformed cases, each with a "class"' }]);
  }
  return [...new Set(cases.map((c) => (c as { class: string }).class))];
}

/** The deepest YAML node on a path (a missing field points at its parent). */
function locator(contents: Node | null, lines: LineCounter): Locate {
  return (fieldPath) => {
    let node: unknown = contents;
    let at: [number, number, number] | undefined = (node as Node | null)?.range ?? undefined;
    for (const part of fieldPath) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(part));
        if (!pair) break;
        at = (pair.key as Node).range ?? at;
        node = pair.value;
      } else if (isSeq(node) && typeof part === 'number' && node.items[part]) {
        node = node.items[part];
        at = (node as Node).range ?? at;
      } else break;
    }
    if (!at) return undefined;
    const { line, col } = lines.linePos(at[0]);
    return { line, column: col };
  };
}

/** Parse a scenario file's text: JSON when the name ends in .json, YAML otherwise. */
export function parseScenarioText(text: string, file: string): { data: unknown; locate: Locate } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (file.toLowerCase().endsWith('.json')) {
    try {
      return { data: JSON.parse(text), locate: locator(doc.contents, lines) };
    } catch (err) {
      const position = /position (\d+)/.exec((err as Error).message);
      const where = position ? lines.linePos(Number(position[1])) : undefined;
      const message = `not valid JSON: ${(err as Error).message.replace(/ in JSON at position \d+.*$/, '')}`;
      throw new ScenarioError(file, [{ path: '', message, ...(where ? { line: where.line, column: where.col } : {}) }]);
    }
  }
  if (doc.errors.length > 0) {
    throw new ScenarioError(file, doc.errors.map((e) => ({
      path: '',
      message: e.code === 'MULTIPLE_DOCS'
        ? 'not valid YAML: a scenario file holds one document; remove the second ---'
        : `not valid YAML: ${e.message.replace(/ at line \d+, column \d+[\s\S]*$/, '')}`,
      ...(e.linePos ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}),
    })));
  }
  if (doc.contents === null) throw new ScenarioError(file, [{ path: '', message: 'the file is empty: a scenario needs at least model and phases' }]);
  return { data: doc.toJS({ maxAliasCount: 100 }), locate: locator(doc.contents, lines) };
}

/** Read, validate and resolve a scenario file; throws ScenarioError (SB_ERR_SCENARIO) listing every problem. */
export async function loadScenarioFile(file: string): Promise<{ scenario: Scenario; file: string }> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ScenarioError(file, [{ path: '', message: `cannot read the scenario file (${code}); check the path, e.g. scenarios/quick.yaml` }]);
  }
  const { data, locate } = parseScenarioText(text, file);
  const scenario = parseScenario(data, file, {
    baseDir: path.dirname(absolute),
    malformedClasses: (model) => readMalformedClasses(model),
    locate,
  });
  return { scenario, file: absolute };
}
