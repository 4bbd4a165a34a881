// A command's --help, rendered from its declaration: the usage lines, then paragraphs and flag
// rows in the order the command lays them out, every row aligned on one column. Pure.
import type { FlagDeclaration, FlagDeclarations } from './flags.ts';

/** A paragraph (end it with \n for a blank line after it), or the names of flags listed there. */
export type HelpBlock<Name extends string = string> = string | readonly Name[];

export interface HelpLayout<F extends FlagDeclarations> {
  name: string;
  /** The synopsis, each line after "Usage: " (the first) or its indent. */
  usage: readonly string[];
  flags: F;
  body: readonly HelpBlock<keyof F & string>[];
}

export function flagLabel(name: string, declaration: FlagDeclaration): string {
  return declaration.kind === 'value' ? `--${name} ${declaration.metavar}` : `--${name}`;
}

/** Labels longer than this (--log-level fatal|error|...) put their text on the next line. */
const MAX_LABEL = 32;

function flagRow(label: string, declaration: FlagDeclaration, column: number): string {
  const shownDefault = declaration.kind === 'value' ? (declaration.default ?? declaration.defaultNote) : undefined;
  const text = shownDefault === undefined ? declaration.help : `${declaration.help} (default ${shownDefault})`;
  const indent = ' '.repeat(column + 2);
  const lines = text.split('\n');
  const head = label.length + 2 > column ? [`  ${label}`, `${indent}${lines[0]}`] : [`  ${label.padEnd(column)}${lines[0]}`];
  return [...head, ...lines.slice(1).map((line) => `${indent}${line}`)].join('\n');
}

/** Throws when a flag is listed twice or never, or a listed name is not a flag: a declaration mistake. */
export function checkLayout<F extends FlagDeclarations>(layout: HelpLayout<F>): void {
  const listed = layout.body.filter((block) => typeof block !== 'string').flat();
  const declared = Object.keys(layout.flags);
  const problems = [
    ...declared.filter((name) => !listed.includes(name)).map((name) => `--${name} is not in the help`),
    ...listed.filter((name, i) => listed.indexOf(name) !== i).map((name) => `--${name} is in the help twice`),
    ...listed.filter((name) => !declared.includes(name)).map((name) => `--${name} is in the help but not declared`),
  ];
  if (problems.length > 0) throw new Error(`servebench ${layout.name}: ${problems.join('; ')}`);
}

export function renderHelp<F extends FlagDeclarations>(layout: HelpLayout<F>): string {
  checkLayout(layout);
  const labels = Object.entries(layout.flags).map(([name, declaration]) => flagLabel(name, declaration).length);
  const column = Math.min(MAX_LABEL, Math.max(0, ...labels)) + 2;
  const usage = layout.usage.map((line, i) => `${i === 0 ? 'Usage: ' : '       '}${line}`);
  const body = layout.body.map((block) =>
    typeof block === 'string' ? block : block.map((name) => flagRow(flagLabel(name, layout.flags[name]), layout.flags[name], column)).join('\n'),
  );
  return `${usage.join('\n')}\n\n${body.join('\n')}\n`;
}
