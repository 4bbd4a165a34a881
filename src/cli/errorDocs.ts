// docs/errors.md, generated from the error table (src/contract/errors.ts) so the two cannot drift:
// `npm run error-docs` writes it, test/contract/errors.test.ts fails when the committed file differs.
import { ERROR_TABLE, type ErrorArea, type ErrorEntry } from '../contract/errors.ts';

const AREAS: Record<ErrorArea, string> = {
  cli: 'Command line',
  scenario: 'Scenario files and units',
  load: 'Load generation',
  measure: 'Measurement',
  analyze: 'Statistics and searches',
  runner: 'Starting the target',
  report: 'Reading results back',
  tune: '`servebench tune`',
  gate: '`servebench gate`',
  soak: '`servebench soak`',
  agents: '`servebench agent`, `merge` and `run --agents`',
};

const cell = (text: string): string => text.replace(/\|/g, '\\|');

function section(area: ErrorArea, entries: readonly ErrorEntry[]): string {
  const withStatus = entries.some((e) => e.httpStatus !== undefined);
  const head = withStatus ? '| code | exit | HTTP | meaning |\n|---|---|---|---|' : '| code | exit | meaning |\n|---|---|---|';
  const rows = entries.map((e) => `| \`${e.code}\` | ${e.exit} |${withStatus ? ` ${e.httpStatus ?? ''} |` : ''} ${cell(e.meaning)} |`);
  return `## ${AREAS[area]}\n\n${head}\n${rows.join('\n')}\n`;
}

export function renderErrorDocs(): string {
  const areas = Object.keys(AREAS) as ErrorArea[];
  const sections = areas
    .map((area) => [area, ERROR_TABLE.filter((e) => e.area === area)] as const)
    .filter(([, entries]) => entries.length > 0)
    .map(([area, entries]) => section(area, entries));
  return `<!-- Generated from src/contract/errors.ts by \`npm run error-docs\`: edit the table, not this file. -->
# Errors

Every error servebench's commands end with is one line on stderr, \`servebench <command>: SB_ERR_<CODE>: <what is wrong and what to do>\`
(a scenario's problems are listed one a line with their field, line and column; a usage mistake is followed by the command's usage line).

**Exit codes**: 0 all passed; 1 a threshold, verdict or gate rule failed; 2 the run could not be done: every code below ends the
command with the exit code in its row.

The embedded server's own codes (\`SB_ERR_SHAPE_MISMATCH\`, \`SB_ERR_QUEUE_FULL\`, ...) and their HTTP statuses are in [server.md](server.md).

${sections.join('\n')}`;
}
