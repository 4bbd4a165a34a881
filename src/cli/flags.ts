// A command's flags, declared once: name, type (its parser), default, metavar and help line. The
// argv parser, the help text and the did-you-mean suggestions are all read from these declarations.
import { isServebenchError, ServebenchError } from '../contract/errors.ts';

export interface SwitchFlag {
  readonly kind: 'switch';
  readonly help: string;
}

export interface ValueFlag<T> {
  readonly kind: 'value';
  /** The value's name in the help: `--out DIR`. */
  readonly metavar: string;
  /** One line, or several joined by \n (the help indents them under the first). */
  readonly help: string;
  /** The text given to the value; throws SB_ERR_USAGE naming the flag. */
  readonly parse: (text: string, flag: string) => T;
  /** Applied when the flag is absent, and shown in the help. */
  readonly default?: string;
  /** A default that is not one value (the scenario's, the machine's): shown in the help only. */
  readonly defaultNote?: string;
}

export type FlagDeclaration = SwitchFlag | ValueFlag<unknown>;
export type FlagDeclarations = Readonly<Record<string, FlagDeclaration>>;

/** What a command's run sees: each value flag's parsed value (or its default), each switch as a boolean. */
export type FlagValues<F extends FlagDeclarations> = {
  readonly [K in keyof F]: F[K] extends ValueFlag<infer T> ? (F[K] extends { default: string } ? T : T | undefined) : boolean;
};

interface ValueOptions {
  default?: string;
  defaultNote?: string;
}

function valueFlag<T>(metavar: string, help: string, parse: (text: string, flag: string) => T, options: ValueOptions = {}): ValueFlag<T> {
  return { kind: 'value', metavar, help, parse, ...options };
}

export const flag = {
  switch: (help: string): SwitchFlag => ({ kind: 'switch', help }),

  /** The text as given; the command (or what it hands the text to) checks it. */
  text: (metavar: string, help: string, options?: ValueOptions): ValueFlag<string> => valueFlag(metavar, help, (text) => text, options),

  /** A number that `accepts`; otherwise "--flag: expected <expected>, got ...". */
  number: (metavar: string, help: string, rule: { expected: string; accepts: (n: number) => boolean }, options?: ValueOptions): ValueFlag<number> =>
    valueFlag(metavar, help, (text, name) => {
      const n = Number(text);
      if (!(Number.isFinite(n) && rule.accepts(n))) throw new ServebenchError('SB_ERR_USAGE', `--${name}: expected ${rule.expected}, got "${text}"`);
      return n;
    }, options),

  choice: <C extends string>(metavar: string, choices: readonly C[], help: string, options?: ValueOptions): ValueFlag<C> =>
    valueFlag(metavar, help, (text, name) => {
      if (!(choices as readonly string[]).includes(text)) throw new ServebenchError('SB_ERR_USAGE', `--${name}: expected ${choices.join(' or ')}, got "${text}"`);
      return text as C;
    }, options),

  /** A duration, rate or size as scenario files write it (`8h`, `300/s`, `4GiB`), above zero unless `allowZero`. */
  quantity: (metavar: string, help: string, parse: (text: string) => number, { allowZero = false, ...options }: ValueOptions & { allowZero?: boolean } = {}): ValueFlag<number> =>
    valueFlag(metavar, help, (text, name) => {
      try {
        const value = parse(text);
        if (!(value > 0 || (allowZero && value === 0))) throw new ServebenchError('SB_ERR_UNIT', `expected a positive value, got ${JSON.stringify(text)}`);
        return value;
      } catch (err) {
        if (isServebenchError(err, 'SB_ERR_UNIT')) throw new ServebenchError('SB_ERR_USAGE', `--${name}: ${err.message}`);
        throw err;
      }
    }, options),
};

/** The flags of every command with a live view (src/ui/select.ts reads them as `no-dashboard` and `quiet`). */
export const LIVE_VIEW_FLAGS = {
  'no-dashboard': flag.switch('plain progress lines instead of the live dashboard (the default off a terminal and in CI)'),
  quiet: flag.switch('no progress at all'),
} as const;

export const LIVE_VIEW_NOTE = `In the dashboard, q or Ctrl-C ends the current measurement, writes the results and stops the server;
a second Ctrl-C exits at once. NO_COLOR=1 turns colour off.`;
