// servebench's entry point: dispatch to a command; every error ends as one clear line, no stack.
import { isServeError } from '../server/errors.ts';
import { UsageError } from './args.ts';
import { PACK_HELP, packCommand } from './pack.ts';
import { RUN_HELP, runCommand } from './run.ts';
import { SERVE_HELP, serveCommand } from './serve.ts';
import { isScenarioError } from '../scenario/errors.ts';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; summary: string; help: string }> = {
  run: { run: runCommand, summary: 'run a scenario against a server and write its results', help: RUN_HELP },
  serve: { run: serveCommand, summary: 'start the embedded reference inference server', help: SERVE_HELP },
  pack: { run: packCommand, summary: 'bind a model version\'s files with a manifest', help: PACK_HELP },
};

const USAGE = `Usage: servebench <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}

Run 'servebench <command> --help' for a command's options.
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`servebench: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`servebench ${name}: ${err.message}\n\n${command.help}`);
      return 2;
    }
    if (isScenarioError(err)) {
      process.stderr.write(`servebench ${name}: ${err.message}\n`);
      return 2;
    }
    if (isServeError(err)) {
      process.stderr.write(`servebench ${name}: ${err.code}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
