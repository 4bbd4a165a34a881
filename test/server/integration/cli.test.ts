// The CLI as a user meets it: effective config printed with sources, bad settings refused with
// a message naming the setting (exit 2, no stack trace), tampered models refused at start.
import { cp, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import serve from '../../../src/cli/serve.ts';
import { runServebench } from '../../helpers/cli.ts';
import { MODELS_DIR, REPO_ROOT, spawnServer, type ServerProcess } from '../../helpers/servers.ts';


const servebench = (args: string[], env: Record<string, string> = {}) => runServebench(args, { env: { ...process.env, ...env }, timeoutMs: 30_000 });

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

  it('refuses management beyond loopback without a token at start, before it listens', async () => {
    const result = await servebench(['serve', '--host', '0.0.0.0', '--port', '0', '--management', 'true', '--models', MODELS_DIR, '--load-models', 'mlp']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SB_ERR_CONFIG: management is on and host 0.0.0.0 is reachable from other machines, but no management token is set');
    expect(result.stdout).not.toContain('listening on');
  });

  it('warns on stderr that a non-loopback bind accepts requests from other machines', async () => {
    // Bound to 0.0.0.0 (management off) only until the warning is read, then killed.
    server = await spawnServer(['--host', '0.0.0.0', '--load-models', 'mlp']);
    const deadline = Date.now() + 5000;
    while (!server.stderr.some((l) => l.includes('warning')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await server.kill();
    expect(server.stderr).toContain('servebench: warning: host 0.0.0.0 is not loopback: the server accepts requests from other machines (inference and metrics); bind 127.0.0.1 unless that is what you want');
  });

  it('says in --help that management is off by default and that the token belongs in a file or the env', () => {
    const HELP = serve.help;
    expect(HELP).toContain('the management endpoints (load/unload) are off unless\n--management true');
    expect(HELP).toContain('--management-token-file FILE or SERVEBENCH_MANAGEMENT_TOKEN: a token on the command line shows in ps');
    expect(HELP).toMatch(/--management-token-file FILE +file holding the management token/);
    expect(HELP).toMatch(/--management true\|false +serve the model repository management endpoints .*\[default: false;/);
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
