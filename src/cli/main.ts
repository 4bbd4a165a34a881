// servebench's entry point: dispatch to a command; every error ends as one clear line, no stack.
import { readFileSync } from 'node:fs';
import { errorEntry } from '../contract/errors.ts';
import { isServeError } from '../server/errors.ts';
import { COMMANDS } from './commands.ts';

const USAGE = `Usage: servebench <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}

Run 'servebench <command> --help' for a command's options.
`;

/** The server's start-up errors end `servebench serve` as the docs/server.md table says. */
const SERVE_ERROR_EXIT = 2;

/**
 * How an error ends a command, from the error table: its exit code and what is printed. Any
 * SB_ERR_ error counts (one that crossed a worker thread has lost its class); undefined for
 * anything else, a bug whose stack is worth seeing.
 */
function ending(err: unknown, command: string, help: string): { exit: number; text: string } | undefined {
  const code = (err as { code?: unknown })?.code;
  if (!(err instanceof Error) || typeof code !== 'string' || !code.startsWith('SB_ERR_')) return undefined;
  if (isServeError(err)) return { exit: SERVE_ERROR_EXIT, text: `${code}: ${err.message}` };
  const entry = errorEntry(code);
  const exit = entry?.exit ?? 2;
  if (entry?.print === 'message') return { exit, text: err.message };
  // The message first and alone, then the usage line: the full help is one flag away.
  if (entry?.print === 'usage') return { exit, text: `${err.message}\n${help.split('\n')[0]}\nRun 'servebench ${command} --help' for every option.` };
  return { exit, text: `${code}: ${err.message}` };
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    process.stdout.write(`servebench ${packageVersion()}\n`);
    return 0;
  }
  // `servebench help run` is `servebench run --help`.
  if (name === 'help' && rest.length > 0) return main([rest[0], '--help']);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`servebench: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')}); see servebench --help\n`);
    return 2;
  }
  const command = (await entry.load()).default;
  try {
    return await command.run(rest);
  } catch (err) {
    const end = ending(err, name, command.help);
    if (end === undefined) throw err;
    process.stderr.write(`servebench ${name}: ${end.text}\n`);
    return end.exit;
  }
}

process.exitCode = await main(process.argv.slice(2));
