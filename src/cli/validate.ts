// `servebench validate FILE...`: every file through the whole scenario pipeline (the core, the
// embedded server's settings, sweep, soak, gate, the model), every problem as `file:line:col:`.
import { isScenarioError, type ScenarioIssue } from '../scenario/errors.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { defineCommand } from './command.ts';
import { SCENARIO_SECTIONS } from './scenarioSections.ts';
import { ServebenchError } from '../contract/errors.ts';

/** `file:3:7: phases[0].load.rate: expected a positive number, got "fast"` (no position: `file: ...`). */
export function formatIssue(file: string, issue: ScenarioIssue): string {
  const where = issue.line ? `${file}:${issue.line}:${issue.column ?? 1}` : file;
  return `${where}: ${issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`}`;
}

/** The problems of one file, none when it is valid. */
export async function validateFile(file: string): Promise<readonly ScenarioIssue[]> {
  try {
    await loadScenarioFile(file, { sections: SCENARIO_SECTIONS, checkModel: true });
    return [];
  } catch (err) {
    if (isScenarioError(err)) return err.issues;
    throw err;
  }
}

export default defineCommand({
  name: 'validate',
  usage: ['servebench validate <scenario.yaml|json> [...]'],
  flags: {},
  body: [
    `Checks each scenario file as every command would read it, without running anything: the scenario,
the embedded server's settings, the sweep, soak and gate sections, and (for an embedded target)
that its model repository holds the model. Every problem of every file is printed at once, one a
line, as file:line:column: field: what is wrong; a good file gets one OK line.
Exit code: 0 every file is valid, 2 a file has a problem or cannot be read.`,
  ],
  async run({ positionals }) {
    if (positionals.length === 0) throw new ServebenchError('SB_ERR_USAGE', 'validate needs a scenario file, e.g. servebench validate scenarios/quick.yaml');
    let bad = 0;
    for (const file of positionals) {
      const issues = await validateFile(file);
      if (issues.length === 0) process.stdout.write(`${file}: OK\n`);
      else bad++;
      for (const issue of issues) process.stdout.write(`${formatIssue(file, issue)}\n`);
    }
    return bad === 0 ? 0 : 2;
  },
});
