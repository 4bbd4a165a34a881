// Each command's flags are declared once and its --help is made from them: every flag a command
// accepts is in its help, every flag its help shows is accepted, and argv is read the way shells
// and people write it.
import { describe, expect, it } from 'vitest';
import { parseArgv } from '../../src/cli/args.ts';
import type { Command } from '../../src/cli/command.ts';
import { COMMANDS } from '../../src/cli/commands.ts';
import { flag } from '../../src/cli/flags.ts';
import { renderHelp } from '../../src/cli/help.ts';
import { isServebenchError } from '../../src/contract/errors.ts';

const commands: [string, Command][] = await Promise.all(Object.entries(COMMANDS).map(async ([name, entry]) => [name, (await entry.load()).default] as [string, Command]));

function usageErrorOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    if (isServebenchError(err, 'SB_ERR_USAGE')) return err.message;
    throw err;
  }
  return undefined;
}

/** `--flag` words of a help text, but not another command's (`servebench serve --config`). */
function flagsShown(help: string, command: string): string[] {
  const own = help.replace(new RegExp(`servebench (?!${command}\\b)[a-z]+(?: --[a-z][a-z0-9-]*)+`, 'g'), '');
  return [...new Set([...own.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]))];
}

describe.each(commands)('servebench %s', (name, command) => {
  it('is the command its line in commands.ts names', () => expect(command.name).toBe(name));

  it('lists every flag it accepts in its --help, each on a row of its own', () => {
    const rows = command.help.split('\n').filter((line) => /^ {2}--[a-z]/.test(line)).map((line) => line.trim().split(' ')[0].slice(2));
    expect(rows.sort()).toEqual([...command.flagNames].sort());
  });

  it('accepts every flag its --help shows, and refuses one it does not declare', () => {
    const shown = flagsShown(command.help, name);
    expect(shown.filter((flagName) => usageErrorOf(() => command.parse([`--${flagName}`]))?.startsWith('unknown flag'))).toEqual([]);
    expect(usageErrorOf(() => command.parse(['--surely-not-a-flag']))).toMatch(/^unknown flag --surely-not-a-flag/);
  });

  it('takes --help and -h whatever else is given', () => {
    expect(command.parse(['--help'])).toBe('help');
    expect(command.parse(['x', '-h'])).toBe('help');
  });
});

describe('reading argv against declared flags', () => {
  const shape = { values: ['out', 'rate'], switches: ['json', 'no-dashboard'] };

  it('reads values after a space or an =, switches alone, and everything after -- as positionals', () => {
    const parsed = parseArgv(['a.yaml', '--out', 'dir', '--rate=5', '--json', '--', '--no-dashboard'], shape);
    expect(parsed.positionals).toEqual(['a.yaml', '--no-dashboard']);
    expect([...parsed.values]).toEqual([['out', 'dir'], ['rate', '5']]);
    expect([...parsed.switches]).toEqual(['json']);
    expect(parsed.help).toBe(false);
  });

  it('takes a value that starts with a dash, and passes a lone - and negative numbers as positionals', () => {
    expect(parseArgv(['--rate', '-5'], shape).values.get('rate')).toBe('-5');
    expect(parseArgv(['-', '-5', '-0.5'], shape).positionals).toEqual(['-', '-5', '-0.5']);
  });

  it('refuses single-dash words, values on switches, missing values and unknown flags, suggesting the near ones', () => {
    expect(usageErrorOf(() => parseArgv(['-json'], shape))).toBe('unknown flag -json; flags take two dashes (-h is --help)');
    expect(usageErrorOf(() => parseArgv(['--json=yes'], shape))).toBe('--json takes no value');
    expect(usageErrorOf(() => parseArgv(['--out'], shape))).toBe('--out needs a value');
    expect(usageErrorOf(() => parseArgv(['--dashboard'], shape))).toBe('unknown flag --dashboard (did you mean --no-dashboard?)');
    expect(usageErrorOf(() => parseArgv(['--rte', '5'], shape))).toBe('unknown flag --rte (did you mean --rate?)');
    expect(usageErrorOf(() => parseArgv(['--zzz'], shape))).toBe('unknown flag --zzz; see --help');
  });
});

describe('typed flags', () => {
  const tune = commands.find(([name]) => name === 'tune')![1];
  const gate = commands.find(([name]) => name === 'gate')![1];
  const soak = commands.find(([name]) => name === 'soak')![1];

  it('parse their values, apply declared defaults and tell given flags from defaulted ones', () => {
    const input = tune.parse(['s.yaml', '--target-rps', '500', '--strategy', 'grid']);
    expect(input).not.toBe('help');
    if (input === 'help') return;
    expect(input.flags).toMatchObject({ 'target-rps': 500, strategy: 'grid', headroom: 0.3, json: false, out: undefined });
    expect([...input.given]).toEqual(['target-rps', 'strategy']);
    const durations = soak.parse(['s.yaml', '--duration', '2m', '--warmup', '0s', '--memory-limit', '1GiB']);
    expect(durations !== 'help' && durations.flags).toMatchObject({ duration: 120, warmup: 0, 'memory-limit': 2 ** 30 });
  });

  it('refuse a bad value naming the flag and what it takes', () => {
    expect(usageErrorOf(() => gate.parse(['--repeats', '0']))).toBe('--repeats: expected an integer between 1 and 100, got "0"');
    expect(usageErrorOf(() => tune.parse(['--strategy', 'random']))).toBe('--strategy: expected grid or adaptive, got "random"');
    expect(usageErrorOf(() => tune.parse(['--headroom', '1']))).toBe('--headroom: expected a share in [0, 1) like 0.3, got "1"');
    expect(usageErrorOf(() => soak.parse(['--duration', '0s']))).toBe('--duration: expected a positive value, got "0s"');
    expect(usageErrorOf(() => soak.parse(['--rate', 'fast']))).toMatch(/^--rate: expected a rate like [^,]+, got "fast"$/);
    expect(usageErrorOf(() => soak.parse(['a.yaml', 'b.yaml']))).toBe('soak takes one scenario file, got also: b.yaml');
  });
});

describe('the help made from a declaration', () => {
  const flags = { out: flag.text('DIR', 'where to write', { defaultNote: 'reports/<id>/' }), json: flag.switch('print JSON\nto stdout') };

  it('aligns rows on one column, indents continued lines and shows defaults', () => {
    expect(renderHelp({ name: 'x', usage: ['servebench x [--out DIR]', '  [--json]'], flags, body: ['About x.', ['out', 'json'], 'Exit code: 0.'] })).toBe(
      'Usage: servebench x [--out DIR]\n         [--json]\n\nAbout x.\n  --out DIR  where to write (default reports/<id>/)\n  --json     print JSON\n             to stdout\nExit code: 0.\n',
    );
  });

  it('refuses a declaration whose help leaves a flag out, lists one twice or lists one not declared', () => {
    expect(() => renderHelp({ name: 'x', usage: ['servebench x'], flags, body: [['out']] })).toThrow('servebench x: --json is not in the help');
    expect(() => renderHelp({ name: 'x', usage: ['servebench x'], flags, body: [['out', 'json', 'out']] })).toThrow('--out is in the help twice');
    expect(() => renderHelp({ name: 'x', usage: ['servebench x'], flags, body: [['out', 'json', 'nope' as 'out']] })).toThrow('--nope is in the help but not declared');
  });
});
