// The README is an on-ramp that cannot rot: every command and flag the docs show is one the CLI
// accepts (its --help lists it), every scenario the README shows loads, and the README's blocks
// marked `sh tested` run for real, in a folder of their own, with short durations.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import type { RunningServer } from '../../src/server/server.ts';
import { REPO_ROOT, startTestServer } from '../helpers/servers.ts';

const run = promisify(execFile);
const DOCS = ['README.md', 'scenarios/README.md', ...readdirSync(path.join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');

interface Block {
  info: string;
  text: string;
}

function fencedBlocks(markdown: string): Block[] {
  return [...markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```/gm)].map((m) => ({ info: m[1].trim(), text: m[2] }));
}

/** `servebench CMD ... --flag ...` as written in code blocks and inline code, comments left out. */
function invocations(markdown: string): { command: string; flags: string[]; line: string }[] {
  const lines = [
    ...fencedBlocks(markdown).filter((b) => /^(sh|console|bash)\b/.test(b.info)).flatMap((b) => b.text.split('\n')),
    ...[...markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]).filter((code) => code.includes('servebench ')),
  ];
  const found: { command: string; flags: string[]; line: string }[] = [];
  for (const raw of lines) {
    const line = raw.replace(/^\$ /, '').replace(/\s+#.*$/, '');
    for (const m of line.matchAll(/(?:^|[\s;&|(])(?:\.\/bin\/|npx )?servebench ([a-z][a-z0-9]*)((?:(?!&&|\|\||;).)*)/g)) {
      const flags = [...m[2].matchAll(/(?:^|\s)(--[a-z][a-z0-9-]*)/g)].map((f) => f[1]);
      found.push({ command: m[1], flags, line: line.trim() });
    }
  }
  return found;
}

describe('the docs', () => {
  it.each(DOCS)('%s names only commands and flags the CLI accepts', async (file) => {
    const problems: string[] = [];
    for (const { command, flags, line } of invocations(read(file))) {
      if (command === 'help') continue; // `servebench help CMD`: the CLI's own help, not a command
      const entry = COMMANDS[command];
      if (!entry) {
        problems.push(`${line}: no command "${command}"`);
        continue;
      }
      const { help } = (await entry.load()).default;
      for (const flag of flags) if (flag !== '--help' && !help.includes(flag)) problems.push(`${line}: "servebench ${command} --help" does not list ${flag}`);
    }
    expect(problems).toEqual([]);
  });

  it('the README shows every command', () => {
    const shown = new Set(invocations(read('README.md')).map((i) => i.command));
    expect(Object.keys(COMMANDS).filter((c) => !shown.has(c))).toEqual([]);
  });

  it('every scenario the README shows loads', () => {
    const scenarios = fencedBlocks(read('README.md')).filter((b) => b.info === 'yaml' && /^phases:/m.test(b.text));
    expect(scenarios.length).toBeGreaterThan(0);
    for (const block of scenarios) {
      const scenario = parseScenario(parseYaml(block.text), path.join(REPO_ROOT, 'README.md'));
      expect(scenario.phases.length).toBeGreaterThan(0);
    }
  });
});

describe('the README\'s tested commands', { timeout: 240_000 }, () => {
  let server: RunningServer | undefined;
  let folder: string | undefined;
  afterAll(async () => {
    await server?.shutdown('test done');
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('run as written, each exiting 0 (or 1 for thresholds alone), in a folder of their own', async () => {
    const blocks = fencedBlocks(read('README.md')).filter((b) => b.info === 'sh tested');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    folder = mkdtempSync(path.join(tmpdir(), 'sb-readme-'));
    for (const shared of ['bin', 'models', 'fixtures', 'node_modules', 'package.json', 'src']) symlinkSync(path.join(REPO_ROOT, shared), path.join(folder, shared));
    // The example scenarios, with every duration cut to a second or two.
    cpSync(path.join(REPO_ROOT, 'scenarios'), path.join(folder, 'scenarios'), { recursive: true });
    const quick = path.join(folder, 'scenarios', 'quick.yaml');
    writeFileSync(quick, readFileSync(quick, 'utf8').replace(/duration: \d+s/g, 'duration: 2s'));
    server = await startTestServer({ load_models: 'mlp' });
    for (const block of blocks) {
      for (const written of block.text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
        const line = written
          .replaceAll('http://127.0.0.1:8000', server.url)
          .replace(/--duration \S+/, '--duration 2s')
          .replace(/(^|\s)servebench /g, '$1./bin/servebench ');
        const { stderr } = await run('bash', ['-c', line], { cwd: folder, env: { ...process.env, CI: 'true' } }).catch((err: Error & { code?: number; stdout?: string; stderr?: string }) => {
          // Exit 1 with only thresholds failing is a measurement (quick.yaml's p99 < 100ms on a loaded
          // machine), not a command that could not run as written.
          const failed = (err.stdout ?? '').split('\n').filter((l) => /^\s*FAIL /.test(l));
          if (err.code === 1 && failed.length > 0 && failed.every((l) => /^\s*FAIL \[/.test(l))) return { stderr: err.stderr ?? '' };
          throw new Error(`README command failed: ${written}\n${err.stderr ?? err.message}`);
        });
        expect(stderr, written).not.toMatch(/SB_ERR_/);
      }
    }
    const reports = readdirSync(path.join(folder, 'reports'));
    expect(reports.length).toBeGreaterThanOrEqual(2);
    for (const id of reports) expect(existsSync(path.join(folder, 'reports', id, 'report.html')), id).toBe(true);
  });
});

describe('the error code table of docs/server.md', () => {
  it('lists every code the server answers with, each with its HTTP status, and no other', async () => {
    const { ERROR_STATUS } = await import('../../src/server/errors.ts');
    const section = read('docs/server.md').split('## Error codes')[1] ?? '';
    const rows = [...section.matchAll(/^\| `(SB_ERR_[A-Z0-9_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(rows)).toEqual(ERROR_STATUS);
    expect(rows.length).toBe(Object.keys(ERROR_STATUS).length);
  });
});
