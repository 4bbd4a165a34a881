// The validation pipeline's sections: a part of the scenario file (a command's `sweep`, `soak`,
// `gate`, the embedded server's settings) with its JSON Schema and the checks a schema cannot say.
// The folders that own a section declare it; whoever loads a file passes the list it needs, so
// this folder knows none of them. Every problem of every section is collected, never thrown one
// at a time.
import { type FieldPath, formatPath, Problems, ScenarioError, type ScenarioIssue, valueAt } from './errors.ts';
import type { JsonSchema } from './schema.ts';
import { schemaProblems } from './validate.ts';

export type Locate = (path: FieldPath) => { line: number; column: number } | undefined;

export interface ScenarioSection<T = unknown> {
  /** Where the section sits in the file: ['sweep'], ['target', 'server']. */
  readonly at: FieldPath;
  /** Its JSON Schema (also what scenarios/schema.json publishes at `at`). */
  readonly schema: JsonSchema;
  /** When set, the section only applies to files for which this is true (an embedded target's settings). */
  readonly appliesTo?: (data: unknown) => boolean;
  /** When set, a file without the section is refused with this message at `at`. */
  readonly missing?: string;
  /**
   * The checks after the schema (both forms of one duration, a rule's grammar, cross-field limits),
   * adding problems with full paths; returns the section's settings. It reads any value, valid or
   * not, so that a file's problems all come out in one pass.
   */
  check(raw: unknown, problems: Problems, data: unknown): T;
}

export const isUnder = (path: FieldPath, parent: FieldPath): boolean => parent.every((part, i) => path[i] === part);

/**
 * A section's schema problems, then its own checks; where both speak of one field, the section's
 * check (in its own words: "listed twice", "give one of step or step_s") is kept.
 */
export function checkSection<T>(section: ScenarioSection<T>, data: unknown, problems: Problems): T | undefined {
  if (section.appliesTo && !section.appliesTo(data)) return undefined;
  const raw = valueAt(data, section.at);
  // `soak:` with nothing after it (YAML null) is a section left empty.
  if (raw === undefined || raw === null) {
    if (section.missing) problems.add(section.at, section.missing);
    return undefined;
  }
  const schema = schemaProblems(raw, section.schema, section.at);
  const own = new Problems();
  const value = section.check(raw, own, data);
  const spoken = own.list.map((p) => p.path);
  for (const p of own.list) problems.add(p.path, p.message);
  // A check that refused a value speaks for everything under it too.
  for (const p of schema.list) if (!spoken.some((path) => isUnder(p.path, path))) problems.add(p.path, p.message);
  return value;
}

/** Every section of a file; each result by its place (`sweep`, `target.server`). */
export function checkSections(sections: readonly ScenarioSection[], data: unknown, problems: Problems): Map<string, unknown> {
  const results = new Map<string, unknown>();
  for (const section of sections) results.set(formatPath(section.at), checkSection(section, data, problems));
  return results;
}

/** Problems as issues: in document order, with lines where `locate` knows them. */
export function toIssues(problems: Problems, data: unknown, locate?: Locate): ScenarioIssue[] {
  return problems.list
    .map((p) => ({ p, rank: documentOrder(data, p.path) }))
    .sort((a, b) => compareRanks(a.rank, b.rank))
    .map(({ p }) => ({ path: formatPath(p.path), message: p.message, ...locate?.(p.path) }));
}

/**
 * One section read on its own (a command's section recorded in results.json, a test): the file's
 * shape around it is rebuilt, so paths and messages are those of a whole file.
 */
export function readSection<T>(section: ScenarioSection<T>, raw: unknown, source: string, locate?: Locate, around: Record<string, unknown> = {}): T | undefined {
  let data: unknown = raw;
  for (const part of [...section.at].reverse()) data = { [part]: data };
  data = { ...around, ...(data as object) };
  const problems = new Problems();
  const value = checkSection(section, data, problems);
  if (!problems.empty) throw new ScenarioError(source, toIssues(problems, data, locate));
  return value;
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
