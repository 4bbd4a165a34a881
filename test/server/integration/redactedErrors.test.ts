// Answers over HTTP name no absolute path and list no repository: a 404 says the model is not
// there without naming the others, a broken model's load error names its files relative to the
// repository. The server log keeps the full message.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/server/config/resolve.ts';
import { startServer, type RunningServer } from '../../../src/server/server.ts';
import { MODELS_DIR } from '../../helpers/servers.ts';

let server: RunningServer;
let root: string;
let logFile: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-redact-'));
  root = path.join(dir, 'models');
  logFile = path.join(dir, 'server.log');
  cpSync(path.join(MODELS_DIR, 'mlp'), path.join(root, 'mlp'), { recursive: true });
  // A model whose config names a file its folder does not have.
  mkdirSync(path.join(root, 'broken', '1'), { recursive: true });
  writeFileSync(path.join(root, 'broken', '1', 'config.json'), JSON.stringify({ model_file: 'missing.onnx' }));
  const resolved = resolveConfig({ flags: { host: '127.0.0.1', port: '0', models: root, load_models: 'mlp', log_level: 'info', management: 'true' } });
  server = await startServer(resolved, { logDestination: pino.destination({ dest: logFile, sync: true }) });
});
afterAll(async () => {
  await server?.shutdown('test done');
  rmSync(path.dirname(root), { recursive: true, force: true });
});

const load = (name: string) => fetch(`${server.url}/v2/repository/models/${name}/load`, { method: 'POST' });

describe('error answers', () => {
  it('say an unknown model is not loaded without listing the loaded ones', async () => {
    for (const res of [await fetch(`${server.url}/v2/models/zzz`), await fetch(`${server.url}/v2/models/zzz/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })]) {
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'SB_ERR_MODEL_NOT_FOUND', error: 'model "zzz" is not loaded' });
    }
  });

  it('say a model to load is not in the repository without naming its path or its models', async () => {
    const res = await load('zzz');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'SB_ERR_MODEL_NOT_FOUND', error: 'model "zzz" is not in the model repository' });
  });

  it("name a broken model's files relative to the repository, and the log names them in full", async () => {
    const res = await load('broken');
    expect(res.status).toBe(500);
    const json = await res.json();
    expect(json.code).toBe('SB_ERR_CONFIG');
    expect(json.error).toBe("broken/1/config.json: model_file: 'missing.onnx' is not in broken/1 (files: config.json)");
    expect(json.error).not.toContain(path.dirname(root));
    const logged = readFileSync(logFile, 'utf8');
    expect(logged).toContain(`${path.join(root, 'broken', '1', 'config.json')}: model_file`);
  });

  it('still serves the model that loaded', async () => {
    expect((await fetch(`${server.url}/v2/models/mlp/ready`)).status).toBe(200);
  });
});
