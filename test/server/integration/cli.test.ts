// The CLI as a user meets it: effective config printed with sources, bad settings refused with
// a message naming the setting (exit 2, no stack trace), tampered models refused at start.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MODELS_DIR, REPO_ROOT, spawnServer, type ServerProcess } from '../../helpers/servers.ts';

const run = promisify(execFile);

async function servebench(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [`${REPO_ROOT}bin/servebench`, ...args], { env: { ...process.env, ...env }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let server: ServerProcess | undefined;
let tempRepo: string;
beforeAll(async () => {
  tempRepo = await mkdtemp(join(tmpdir(), 'servebench-cli-'));
});
afterEach(async () => {
  await server?.kill();
  server = undefined;
});
afterAll(async () => {
  await rm(tempRepo, { recursive: true, force: true });
});

describe('servebench serve', () => {
  it('prints the effective config with where each value came from', async () => {
    server = await spawnServer(['--load-models', 'mlp', '--max-batch-size', '8'], { SERVEBENCH_MAX_QUEUE_SIZE: '99' });
    const text = server.stdout.join('\n');
    expect(text).toMatch(/max_batch_size\s+8\s+\(flag\)/);
    expect(text).toMatch(/max_queue_size\s+99\s+\(env\)/);
    expect(text).toMatch(/workers\s+1\s+\(default\)/);
    expect(text).toContain('serving mlp@1');
  });

  it('refuses an invalid setting naming it, without a stack trace', async () => {
    const result = await servebench(['serve', '--workers', 'many']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('flag --workers: expected an integer, got "many"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses an unknown flag and suggests the right one', async () => {
    const result = await servebench(['serve', '--worker', '2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown flag --worker');
    expect(result.stderr).toContain('--workers');
  });

  it('refuses a model whose files do not match its manifest, naming the file', async () => {
    await cp(join(MODELS_DIR, 'mlp'), join(tempRepo, 'mlp'), { recursive: true });
    const configPath = join(tempRepo, 'mlp', '1', 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    await writeFile(configPath, JSON.stringify({ ...config, preprocess: { ...config.preprocess, mean: 0.5 } }, null, 2));
    const result = await servebench(['serve', '--port', '0', '--models', tempRepo]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SB_ERR_MANIFEST');
    expect(result.stderr).toContain('config.json');
  });

  it('packs a version folder so it is bound again', async () => {
    const result = await servebench(['pack', join(tempRepo, 'mlp', '1')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('packed mlp version 1');
    server = await spawnServer(['--models', tempRepo]);
    const config = await (await fetch(`${server.url}/v2/models/mlp/config`)).json();
    expect(config.manifest_bound).toBe(true);
    expect(config.preprocess.mean).toBe(0.5);
  });
});
