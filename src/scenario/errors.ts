// Scenario problems: each names the field in JS notation (`phases[2].load.rate`), what was
// expected and what came. All problems of a file are reported together in one ScenarioError.
import { ServebenchError } from '../contract/errors.ts';

export type FieldPath = readonly (string | number)[];

export interface ScenarioIssue {
  /** `phases[2].load.rate`; `scenario` for the whole file; empty for a problem with no field (a syntax error). */
  path: string;
  /** What is wrong, without the path: `expected a positive number, got "fast"`. */
  message: string;
  /** 1-based position in the file, when known. */
  line?: number;
  column?: number;
}

/** SB_ERR_SCENARIO with its problems kept apart: callers (gate, soak, tests) read them one by one. */
export class ScenarioError extends ServebenchError {
  /** Where the scenario came from (a file path, or a label such as `--scenario-json`). */
  readonly source: string;
  readonly issues: readonly ScenarioIssue[];
  /** `path: message`, one per problem, in file order. */
  readonly problems: readonly string[];

  constructor(source: string, issues: readonly ScenarioIssue[]) {
    const problems = issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`));
    const where = (i: ScenarioIssue): string => (i.line ? ` (line ${i.line}${i.column ? `, column ${i.column}` : ''})` : '');
    const lines = issues.map((i, n) => `  ${problems[n]}${where(i)}`);
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super('SB_ERR_SCENARIO', `${source}: invalid scenario (${count}):\n${lines.join('\n')}`);
    this.name = 'ScenarioError';
    this.source = source;
    this.issues = issues;
    this.problems = problems;
  }
}

export function isScenarioError(value: unknown): value is ScenarioError {
  return value instanceof ScenarioError;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The value at a path in parsed data, or undefined where the path leaves it. */
export function valueAt(data: unknown, path: FieldPath): unknown {
  let node = data;
  for (const part of path) node = (node as Record<string | number, unknown> | undefined)?.[part];
  return node;
}

/** ['phases', 2, 'load', 'rate'] -> `phases[2].load.rate`; odd keys quoted: `mix["a-b"]`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (IDENTIFIER.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out === '' ? 'scenario' : out;
}

/** A value as a message shows it after "got": `"fast"`, `-3`, `null`, `{"a":1}` (shortened). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Edit distance (Levenshtein), for "did you mean". */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest candidate, if close enough to be a typo (1 edit for short words, up to 3 for long ones). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (bestDistance <= limit) return best;
  // `vers` for `version`: an abbreviation is a typo too.
  if (word.length >= 3) return [...candidates].find((c) => c.toLowerCase().startsWith(word.toLowerCase()));
  return undefined;
}

/** Collects problems while a scenario is checked, so that all of them are reported at once. */
export class Problems {
  readonly list: { path: FieldPath; message: string }[] = [];

  add(path: FieldPath, message: string): void {
    this.list.push({ path, message });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}
