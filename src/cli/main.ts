// servebench's entry point: dispatch to a command; every error ends as one clear line, no stack.
import { readFileSync } from 'node:fs';
import { isServeError } from '../server/errors.ts';
import { isScenarioError } from '../scenario/errors.ts';
import { UsageError } from './args.ts';
import { COMMANDS } from './commands.ts';

const USAGE = `Usage: servebench <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}

Run 'servebench <command> --help' for a command's options.
`;

/** Errors that carry their own user-facing message: printed as one line, exit 2. */
function userFacing(err: unknown): string | undefined {
  if (isScenarioError(err)) return err.message;
  if (isServeError(err)) return `${err.code}: ${err.message}`;
  const code = (err as { code?: unknown })?.code;
  if (err instanceof Error && typeof code === 'string' && code.startsWith('SB_ERR_')) return `${code}: ${err.message}`;
  return undefined;
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
    if (err instanceof UsageError) {
      // The message first and alone, then the usage line: the full help is one flag away.
      const usage = command.help.split('\n')[0];
      process.stderr.write(`servebench ${name}: ${err.message}\n${usage}\nRun 'servebench ${name} --help' for every option.\n`);
      return 2;
    }
    const message = userFacing(err);
    if (message !== undefined) {
      process.stderr.write(`servebench ${name}: ${message}\n`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
