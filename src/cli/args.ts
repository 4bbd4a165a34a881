// Turns argv into positionals and flag values checked against a command's declared flags, with
// errors that say what to do next. Node's util.parseArgs tokenizes (no dependency, kept with
// Node); its tokens let the messages be ours: did-you-mean, and single-dash words refused.
import { parseArgs as tokenize } from 'node:util';
import { closest } from '../scenario/errors.ts';
import { ServebenchError } from '../contract/errors.ts';

/** Flags a mistyped one may have meant: a part of it, one a typo away, or its letters swapped. */
function nearFlags(name: string, flags: string[]): string[] {
  const containing = flags.filter((f) => f.includes(name) || name.includes(f));
  if (containing.length > 0) return containing;
  const typo = closest(name, flags);
  if (typo) return [typo];
  const letters = (s: string) => [...s].sort().join('');
  return flags.filter((f) => letters(f) === letters(name));
}

export interface ArgvShape {
  /** Flags that take a value (`--out DIR`), by name without dashes. */
  values: Iterable<string>;
  /** Flags that take none (`--json`). */
  switches: Iterable<string>;
}

export interface ParsedArgv {
  positionals: string[];
  /** The text given to each value flag, in the order given (the last of a repeated flag wins). */
  values: Map<string, string>;
  switches: Set<string>;
  /** --help or -h. */
  help: boolean;
}

export function parseArgv(argv: string[], shape: ArgvShape): ParsedArgv {
  const valueFlags = new Set(shape.values);
  const switchFlags = new Set(shape.switches);
  const options = Object.fromEntries([
    ...[...valueFlags].map((name) => [name, { type: 'string' as const }]),
    ...[...switchFlags].map((name) => [name, { type: 'boolean' as const }]),
    ['help', { type: 'boolean' as const, short: 'h' }],
  ]);
  const { tokens } = tokenize({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const parsed: ParsedArgv = { positionals: [], values: new Map(), switches: new Set(), help: false };
  const shortWords = new Set<number>();
  for (const token of tokens) {
    if (token.kind === 'positional') parsed.positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const written = argv[token.index];
    if (!token.rawName.startsWith('--')) {
      if (written === '-h') {
        parsed.help = true;
        continue;
      }
      // A grouped word (-abc) comes as one token a letter: judge the word once.
      if (shortWords.has(token.index)) continue;
      shortWords.add(token.index);
      // A single-dash word is a flag mistyped, not a file named "-x" (a lone "-" and negative numbers pass).
      if (/^-[A-Za-z]/.test(written)) throw new ServebenchError('SB_ERR_USAGE', `unknown flag ${written}; flags take two dashes (-h is --help)`);
      parsed.positionals.push(written);
      continue;
    }
    const { name } = token;
    if (name === 'help' || switchFlags.has(name)) {
      if (token.inlineValue) throw new ServebenchError('SB_ERR_USAGE', `--${name} takes no value`);
      if (name === 'help') parsed.help = true;
      else parsed.switches.add(name);
      continue;
    }
    if (!valueFlags.has(name)) {
      const near = nearFlags(name, [...valueFlags, ...switchFlags]);
      throw new ServebenchError('SB_ERR_USAGE', `unknown flag --${name}${near.length ? ` (did you mean --${near.join(' or --')}?)` : '; see --help'}`);
    }
    if (token.value === undefined) throw new ServebenchError('SB_ERR_USAGE', `--${name} needs a value`);
    parsed.values.set(name, token.value);
  }
  return parsed;
}
