// A command declared once: its flags and help layout make its parser and its --help, and its run
// gets typed flag values. A new command is a module `export default defineCommand({...})` and a
// line in commands.ts.
import { parseArgv } from './args.ts';
import type { FlagDeclarations, FlagValues } from './flags.ts';
import { renderHelp, type HelpLayout } from './help.ts';
import { ServebenchError } from '../contract/errors.ts';

export interface CommandInput<F extends FlagDeclarations> {
  flags: FlagValues<F>;
  /** The flags given on the command line (not defaulted), in the order given. */
  given: ReadonlySet<keyof F & string>;
  positionals: string[];
}

export interface CommandSpec<F extends FlagDeclarations> extends HelpLayout<F> {
  /** More positionals than `max` is a usage error: "NAME takes WHAT, got also: ...". */
  positionals?: { max: number; what: string };
  run(input: CommandInput<F>): Promise<number>;
}

export interface Command {
  readonly name: string;
  readonly help: string;
  /** Every flag it accepts, without dashes (--help and -h besides). */
  readonly flagNames: readonly string[];
  /** What run would be given, or 'help'; throws SB_ERR_USAGE as run does. Runs nothing. */
  parse(argv: string[]): CommandInput<FlagDeclarations> | 'help';
  run(argv: string[]): Promise<number>;
}

export function defineCommand<const F extends FlagDeclarations>(spec: CommandSpec<F>): Command {
  const help = renderHelp(spec);
  const names = Object.keys(spec.flags);
  const shape = {
    values: names.filter((name) => spec.flags[name].kind === 'value'),
    switches: names.filter((name) => spec.flags[name].kind === 'switch'),
  };
  const parse = (argv: string[]): CommandInput<F> | 'help' => {
    const parsed = parseArgv(argv, shape);
    if (parsed.help) return 'help';
    const limit = spec.positionals;
    if (limit && parsed.positionals.length > limit.max) {
      throw new ServebenchError('SB_ERR_USAGE', `${spec.name} takes ${limit.what}, got also: ${parsed.positionals.slice(limit.max).join(' ')}`);
    }
    const flags: Record<string, unknown> = {};
    for (const [name, declaration] of Object.entries(spec.flags)) {
      if (declaration.kind === 'switch') flags[name] = parsed.switches.has(name);
      else {
        const text = parsed.values.get(name) ?? declaration.default;
        flags[name] = text === undefined ? undefined : declaration.parse(text, name);
      }
    }
    const given = new Set([...parsed.values.keys(), ...parsed.switches]) as Set<keyof F & string>;
    return { flags: flags as FlagValues<F>, given, positionals: parsed.positionals };
  };
  return {
    name: spec.name,
    help,
    flagNames: names,
    parse,
    async run(argv) {
      const input = parse(argv);
      if (input === 'help') {
        process.stdout.write(help);
        return 0;
      }
      return spec.run(input);
    },
  };
}
