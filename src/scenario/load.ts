// Scenario files in: YAML or JSON by extension, validated against the schema, checked, resolved.
// Every problem of a file is reported at once, with its field path and line.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { Problems, ScenarioError } from './errors.ts';
import type { ScenarioInput } from './input.ts';
import { type ResolveContext, resolveScenario } from './resolve.ts';
import type { Scenario } from '../contract/scenario.ts';
import { checkSections, type Locate, type ScenarioSection, toIssues } from './sections.ts';
import { schemaProblems } from './validate.ts';
import { embeddedModelProblem } from './modelRepository.ts';

/** The package's root folder (where models/ and fixtures/ live), whatever the cwd. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ParseOptions extends Partial<ResolveContext> {
  /** Maps a field path to its line in the source, for messages. */
  locate?: Locate;
  /** Sections checked in the same pass as the core: a command's own, or every one (`servebench validate`). */
  sections?: readonly ScenarioSection[];
  /** Why the target cannot serve the model, where that can be told before a run (an embedded target's repository). */
  modelProblem?: (scenario: Scenario) => string | undefined;
}

export interface ParsedScenario {
  scenario: Scenario;
  /** Each section's settings by its place (`sweep`, `target.server`); undefined when the file has none. */
  sections: Map<string, unknown>;
}

/**
 * Validate and resolve scenario data (already parsed from YAML/JSON). Pure given its options:
 * without `malformedClasses`, malformed class names are not checked; without `baseDir`, a relative
 * models_dir is taken from the cwd. Throws ScenarioError listing every problem.
 */
export function parseScenario(data: unknown, source: string, options: ParseOptions = {}): Scenario {
  return parseScenarioWith(data, source, options).scenario;
}

/**
 * The pipeline: the core's schema and every section's schema and checks in one pass, then the
 * core's own checks (resolution) when its schema holds, then the model. Throws one ScenarioError
 * listing every problem found, in file order.
 */
export function parseScenarioWith(data: unknown, source: string, options: ParseOptions = {}): ParsedScenario {
  const context: ResolveContext = {
    baseDir: options.baseDir ?? process.cwd(),
    defaultModelsDir: options.defaultModelsDir ?? path.join(PACKAGE_ROOT, 'models'),
    malformedClasses: options.malformedClasses ?? (() => undefined),
  };
  const problems = schemaProblems(data);
  const coreValid = problems.empty;
  const sections = checkSections(options.sections ?? [], data, problems);
  let scenario: Scenario | undefined;
  if (coreValid) {
    const resolution = new Problems();
    scenario = resolveScenario(data as ScenarioInput, source, context, resolution);
    for (const p of resolution.list) problems.add(p.path, p.message);
    const model = options.modelProblem?.(scenario);
    if (model) problems.add(['model'], model);
  }
  if (!problems.empty || !scenario) throw new ScenarioError(source, toIssues(problems, data, options.locate));
  return { scenario, sections };
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

/** A scenario file's data and its field locator; a file that cannot be read or parsed is a ScenarioError. */
export async function readScenarioSource(file: string): Promise<{ data: unknown; locate: Locate; absolute: string }> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ScenarioError(file, [{ path: '', message: `cannot read the scenario file (${code}); check the path, e.g. scenarios/quick.yaml` }]);
  }
  return { ...parseScenarioText(text, file), absolute };
}

export interface LoadOptions {
  /** Sections checked in the same pass as the core. */
  sections?: readonly ScenarioSection[];
  /** Check that an embedded target's repository holds the model (servebench validate); a run learns it from the server. */
  checkModel?: boolean;
}

/**
 * Read, validate and resolve a scenario file, with its sections checked in the same pass; throws
 * ScenarioError (SB_ERR_SCENARIO) listing every problem.
 */
export async function loadScenarioFile(file: string, options: LoadOptions = {}): Promise<{ scenario: Scenario; file: string; sections: Map<string, unknown> }> {
  const { data, locate, absolute } = await readScenarioSource(file);
  const parsed = parseScenarioWith(data, file, {
    baseDir: path.dirname(absolute),
    malformedClasses: (model) => readMalformedClasses(model),
    ...(options.checkModel ? { modelProblem: embeddedModelProblem } : {}),
    locate,
    sections: options.sections ?? [],
  });
  return { ...parsed, file: absolute };
}
