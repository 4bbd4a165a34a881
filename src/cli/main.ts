// servebench's entry point: dispatch to a command; every error ends as one clear line, no stack.
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

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`servebench: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  const command = await entry.load();
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`servebench ${name}: ${err.message}\n\n${command.HELP}`);
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
