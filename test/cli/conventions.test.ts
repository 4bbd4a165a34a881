// The shell conventions people expect of a CLI: --version, -h, `help CMD`, and a usage mistake
// answered with its message first and a short usage line, not buried under the whole help.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runServebench } from '../helpers/cli.ts';
import { REPO_ROOT } from '../helpers/servers.ts';

const servebench = (args: string[]) => runServebench(args);

describe('CLI conventions', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version: string };
    expect(await servebench(['--version'])).toMatchObject({ code: 0, stdout: `servebench ${version}\n` });
  });

  it('-h, --help and `help CMD` print the same help, exit 0', async () => {
    const long = await servebench(['run', '--help']);
    expect(long.code).toBe(0);
    expect(long.stdout).toMatch(/^Usage: servebench run /);
    expect(await servebench(['run', '-h'])).toMatchObject({ code: 0, stdout: long.stdout });
    expect(await servebench(['help', 'run'])).toMatchObject({ code: 0, stdout: long.stdout });
    expect((await servebench(['-h'])).stdout).toMatch(/^Usage: servebench <command>/);
  });

  it('answers a usage mistake with the message first and a short usage line, exit 2', async () => {
    const typo = await servebench(['run', 'scenarios/quick.yaml', '--jsno']);
    expect(typo.code).toBe(2);
    const lines = typo.stderr.trim().split('\n');
    expect(lines[0]).toBe('servebench run: unknown flag --jsno (did you mean --json?)');
    expect(lines[1]).toMatch(/^Usage: servebench run /);
    expect(lines).toHaveLength(3);
  });

  it('refuses a single-dash flag instead of reading it as a file name', async () => {
    const single = await servebench(['tune', '-x']);
    expect(single.code).toBe(2);
    expect(single.stderr.split('\n')[0]).toBe('servebench tune: unknown flag -x; flags take two dashes (-h is --help)');
  });

  it('names the commands when one is unknown', async () => {
    const unknown = await servebench(['help', 'rn']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('servebench: unknown command "rn" (commands: run, tune, gate, soak, report, serve, k8s, validate, pack, agent, merge); see servebench --help\n');
  });
});
