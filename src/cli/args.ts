// Turns argv into positionals and `--flag value` pairs checked against a known set, with errors
// that say what to do next. (util.parseArgs would do, but its errors name no alternatives.)
import { closest } from '../scenario/errors.ts';

/** Flags a mistyped one may have meant: a part of it, one a typo away, or its letters swapped. */
function nearFlags(name: string, flags: string[]): string[] {
  const containing = flags.filter((f) => f.includes(name) || name.includes(f));
  if (containing.length > 0) return containing;
  const typo = closest(name, flags);
  if (typo) return [typo];
  const letters = (s: string) => [...s].sort().join('');
  return flags.filter((f) => letters(f) === letters(name));
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  positionals: string[];
  /** Flag values by flag name without dashes (`max-batch-size`). */
  values: Record<string, string>;
  booleans: Set<string>;
}

export function parseArgs(argv: string[], known: { values: Iterable<string>; booleans: Iterable<string> }): ParsedArgs {
  const valueFlags = new Set(known.values);
  const booleanFlags = new Set(known.booleans);
  const parsed: ParsedArgs = { positionals: [], values: {}, booleans: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      parsed.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' && booleanFlags.has('help')) {
      parsed.booleans.add('help');
      continue;
    }
    // A single-dash word is a flag mistyped, not a file named "-x" (a lone "-" and negative numbers pass).
    if (/^-[A-Za-z]/.test(arg)) throw new UsageError(`unknown flag ${arg}; flags take two dashes (-h is --help)`);
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (booleanFlags.has(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      parsed.booleans.add(name);
      continue;
    }
    if (!valueFlags.has(name)) {
      const near = nearFlags(name, [...valueFlags, ...booleanFlags]);
      throw new UsageError(`unknown flag --${name}${near.length ? ` (did you mean --${near.join(' or --')}?)` : '; see --help'}`);
    }
    const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    parsed.values[name] = value;
  }
  return parsed;
}
