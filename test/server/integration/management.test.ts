// The management API re-configures a model without restarting the process; it is off unless asked
// for, can be locked with a token (inline or from a file), and caps what a load may ask.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server/server.ts';
import { startTestServer } from '../../helpers/servers.ts';

let server: RunningServer | undefined;
let scratch: string | undefined;
afterEach(async () => {
  await server?.shutdown('test done');
  server = undefined;
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

const post = (url: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

describe('model repository management', () => {
  it('reloads a model with new serving settings, unloads and loads it again', async () => {
    server = await startTestServer({ load_models: 'mlp', management: 'true' });
    const index = await (await fetch(`${server.url}/v2/repository/index`)).json();
    expect(index).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'mlp', state: 'READY' }), expect.objectContaining({ name: 'cnn', state: 'UNAVAILABLE' })]));

    const load = await post(`${server.url}/v2/repository/models/mlp/load`, { parameters: { config: JSON.stringify({ workers: 2, max_batch_size: 16, max_batch_delay_us: 500 }) } });
    expect(load.status).toBe(200);
    const config = await (await fetch(`${server.url}/v2/models/mlp/config`)).json();
    expect(config.effective_serving).toMatchObject({ workers: 2, max_batch_size: 16, max_batch_delay_us: 500 });

    expect((await post(`${server.url}/v2/repository/models/mlp/unload`)).status).toBe(200);
    const gone = await fetch(`${server.url}/v2/models/mlp`);
    expect(gone.status).toBe(404);
    expect((await gone.json()).code).toBe('SB_ERR_MODEL_NOT_FOUND');
    expect((await post(`${server.url}/v2/repository/models/mlp/load`)).status).toBe(200);
    expect((await fetch(`${server.url}/v2/models/mlp/ready`)).status).toBe(200);
  });

  it('refuses an override naming a setting that does not exist', async () => {
    server = await startTestServer({ load_models: 'mlp', management: 'true' });
    const res = await post(`${server.url}/v2/repository/models/mlp/load`, { config: { wokers: 2 } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect((await res.json()).error).toContain('wokers');
  });

  it('answers an override with a bad value or an unknown setting with 400 SB_ERR_BAD_OVERRIDE naming the field, and keeps the model', async () => {
    server = await startTestServer({ load_models: 'mlp', management: 'true' });
    const cases: [unknown, RegExp][] = [
      [{ parameters: { config: { workers: 'x' } } }, /^load request config\.workers: expected an integer, got "x"$/],
      [{ parameters: { config: JSON.stringify({ max_batch_size: -3 }) } }, /^load request config\.max_batch_size: /],
      [{ config: { wokers: 2 } }, /^load request config\.wokers: unknown serving setting; expected one of .*workers/],
      [{ config: [1, 2] }, /^load request config: expected an object of serving settings$/],
    ];
    for (const [body, message] of cases) {
      const res = await post(`${server.url}/v2/repository/models/mlp/load`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const json = await res.json();
      expect(json.code).toBe('SB_ERR_BAD_OVERRIDE');
      expect(json.error).toMatch(message);
    }
    expect((await fetch(`${server.url}/v2/models/mlp/ready`)).status).toBe(200);
  });

  it('refuses path tricks in model names', async () => {
    server = await startTestServer({ load_models: 'mlp', management: 'true' });
    const res = await post(`${server.url}/v2/repository/models/..%2F..%2Fetc/load`);
    expect(res.status).toBe(400);
  });

  it('requires the bearer token when one is set', async () => {
    server = await startTestServer({ load_models: 'mlp', management: 'true', management_token: 'sekrit' });
    expect((await post(`${server.url}/v2/repository/models/mlp/unload`)).status).toBe(401);
    expect((await post(`${server.url}/v2/repository/models/mlp/unload`, undefined, { authorization: 'Bearer wrong!' })).status).toBe(401);
    expect((await post(`${server.url}/v2/repository/models/mlp/unload`, undefined, { authorization: 'Bearer sekrit' })).status).toBe(200);
  });

  it('reads the bearer token from management_token_file', async () => {
    scratch = await mkdtemp(join(tmpdir(), 'servebench-token-'));
    await writeFile(join(scratch, 'token'), 'from-a-file\n');
    server = await startTestServer({ load_models: 'mlp', management: 'true', management_token_file: join(scratch, 'token') });
    expect((await post(`${server.url}/v2/repository/models/mlp/unload`)).status).toBe(401);
    const wrong = await post(`${server.url}/v2/repository/models/mlp/unload`, undefined, { authorization: 'Bearer not-the-file' });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).code).toBe('SB_ERR_UNAUTHORIZED');
    expect((await post(`${server.url}/v2/repository/models/mlp/unload`, undefined, { authorization: 'Bearer from-a-file' })).status).toBe(200);
  });

  it('refuses a load asking for more threads than the machine has cores, naming the field, the value and the cap', async () => {
    server = await startTestServer({ load_models: 'mlp', management: 'true' });
    // intra_op_threads' cap is the core count, always inside the static limit (256), whatever the machine.
    const cap = availableParallelism();
    const res = await post(`${server.url}/v2/repository/models/mlp/load`, { parameters: { config: JSON.stringify({ intra_op_threads: cap + 1 }) } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'SB_ERR_BAD_OVERRIDE', error: expect.stringContaining(`intra_op_threads: asked ${cap + 1}, over the cap of ${cap}`) });
    expect((await fetch(`${server.url}/v2/models/mlp/config`).then((r) => r.json())).effective_serving.intra_op_threads).toBe(1);
  });

  it('refuses with 400 a load whose workers, times the threads the operator set, go over the cap', async () => {
    const cores = availableParallelism();
    server = await startTestServer({ load_models: 'mlp', management: 'true', intra_op_threads: String(cores) });
    const res = await post(`${server.url}/v2/repository/models/mlp/load`, { parameters: { config: { workers: 5 } } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'SB_ERR_BAD_OVERRIDE', error: `load of mlp: workers x intra_op_threads: 5 x ${cores} = ${5 * cores}, over the cap of ${4 * cores} (4 x ${cores} core${cores === 1 ? '' : 's'})` });
    expect((await fetch(`${server.url}/v2/models/mlp/config`).then((r) => r.json())).effective_serving.workers).toBe(1);
  });

  it('serves no management routes by default', async () => {
    server = await startTestServer({ load_models: 'mlp' });
    for (const [method, path] of [['POST', '/v2/repository/models/mlp/load'], ['POST', '/v2/repository/models/mlp/unload'], ['GET', '/v2/repository/index']] as const) {
      const res = await fetch(`${server.url}${path}`, { method });
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toMatchObject({ code: 'SB_ERR_ROUTE_NOT_FOUND', error: `no route ${method} ${path}` });
    }
    expect((await fetch(`${server.url}/v2/models/mlp/ready`)).status).toBe(200);
  });

  it('refuses to start with management on beyond loopback without a token, before binding', async () => {
    const started = startTestServer({ host: '0.0.0.0', management: 'true', load_models: 'mlp' });
    // Should it start after all, it is closed at once (afterEach) rather than left listening.
    started.then((s) => (server = s), () => {});
    await expect(started).rejects.toMatchObject({ code: 'SB_ERR_CONFIG', message: expect.stringContaining('no management token is set') });
  });

  it('serves no management routes when switched off', async () => {
    server = await startTestServer({ load_models: 'mlp', management: 'false' });
    expect((await post(`${server.url}/v2/repository/models/mlp/unload`)).status).toBe(404);
    expect((await fetch(`${server.url}/v2/models/mlp/ready`)).status).toBe(200);
  });
});
