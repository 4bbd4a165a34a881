// `{port}`-style placeholders in a command target's command line, env, url and paths. Pure: the
// runner allocates the ports and the temp folder, this module only names and substitutes them.

/** `{port}` and any `{<name>_port}`: a free loopback port each, allocated at every start. */
const PORT = /^(?:[a-z][a-z0-9_]*_)?port$/;
import { isKnobName } from '../serving/knobs.ts';

/** Values the runner knows without allocating anything. */
export const FIXED_PLACEHOLDERS = ['model', 'version', 'tmp', 'scenario_dir'] as const;

/**
 * A server's own configuration file, written by the runner for each start (the start's knob values
 * in that server's format, or a file given whole, such as a tuned export) and filled in as its path.
 */
export const CONFIG_FILE_PLACEHOLDERS = { config_pbtxt: 'config.pbtxt', config_properties: 'config.properties', servebench_yaml: 'servebench.yaml' } as const;
export type ConfigFilePlaceholder = keyof typeof CONFIG_FILE_PLACEHOLDERS;

export function isConfigFilePlaceholder(name: string): name is ConfigFilePlaceholder {
  return Object.hasOwn(CONFIG_FILE_PLACEHOLDERS, name);
}
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function isPortPlaceholder(name: string): boolean {
  return PORT.test(name);
}

/** The placeholder names a template uses, in order of first appearance. */
export function placeholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Why a placeholder name cannot be filled, or undefined when it can. */
export function unknownPlaceholder(name: string): string | undefined {
  if (isPortPlaceholder(name) || (FIXED_PLACEHOLDERS as readonly string[]).includes(name) || isConfigFilePlaceholder(name) || isKnobName(name)) return undefined;
  return `unknown placeholder {${name}}: expected {port}, {<name>_port} (a free port each), ${[...FIXED_PLACEHOLDERS, ...Object.keys(CONFIG_FILE_PLACEHOLDERS)].map((p) => `{${p}}`).join(', ')}, or a serving knob ({max_batch_size}, {workers}..., or a server's own name such as {batch_size} or {instance_count})`;
}

/** Replaces every known placeholder. There is no escape: a literal `{name}` (a shell's `${name}`) is read as one. */
export function expandPlaceholders(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

/**
 * A command written as one string -> argv. Words split on spaces, with '...' and "..." quoting and
 * backslash escapes; no shell features (pipes, `&&`, `$VAR`): the harness must hold the server's own
 * PID to signal it, which a shell in between would hide. Write `[sh, -c, "exec ..."]` for a shell.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (ch === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} quote`);
  if (word !== undefined) words.push(word);
  return words;
}
