// scenarios/schema.json as an editor outside this repository meets it: a stable $id, and the file
// inside the installed package (which `servebench run --print-scenario` points editors at).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/scenario/load.ts';

const exec = promisify(execFile);

describe('the published scenario schema', () => {
  it('has a stable $id naming the format version', async () => {
    const schema = JSON.parse(await readFile(path.join(PACKAGE_ROOT, 'scenarios', 'schema.json'), 'utf8'));
    // Changing it breaks every editor setting that maps files to it: only a v2 format gets a new one.
    expect(schema.$id).toBe('https://servebench.dev/schema/scenario-v1.json');
  });

  it('is shipped in the npm package', { timeout: 60_000 }, async () => {
    const { stdout } = await exec('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE_ROOT, maxBuffer: 16 * 1024 * 1024 });
    const files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
    expect(files).toContain('scenarios/schema.json');
  });
});
