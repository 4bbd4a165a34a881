// Safe by default: management off unless asked for, never open beyond loopback without a token,
// the token from a file (or env) rather than the command line, and a warning for a wide bind.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkManagementAccess, exposureWarning, isLoopbackHost, managementTokenOf } from '../../../src/server/config/access.ts';
import { resolveConfig, serverConfigOf } from '../../../src/server/config/resolve.ts';
import { configErrorOf } from '../../helpers/refused.ts';

const noFile = (path: string): string => {
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'servebench-access-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loopback', () => {
  it('counts 127.0.0.0/8, ::1 and localhost as loopback, and anything else as reachable from other machines', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1', '']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('warns that a non-loopback bind accepts requests from other machines, whatever the management state', () => {
    expect(exposureWarning('0.0.0.0', false)).toBe('host 0.0.0.0 is not loopback: the server accepts requests from other machines (inference and metrics); bind 127.0.0.1 unless that is what you want');
    expect(exposureWarning('0.0.0.0', true)).toContain('accepts requests from other machines (inference, metrics and management');
    expect(exposureWarning('127.0.0.1', true)).toBeUndefined();
    expect(exposureWarning('::1', false)).toBeUndefined();
  });
});

describe('management access', () => {
  it('is off by default', () => {
    const resolved = resolveConfig({});
    expect(resolved.values.management).toBe(false);
    expect(serverConfigOf(resolved).management).toBe(false);
  });

  it('refuses to start with management on beyond loopback and no token, naming the settings that fix it', () => {
    const message = configErrorOf(() => serverConfigOf(resolveConfig({ flags: { host: '0.0.0.0', management: 'true' } }))).message;
    expect(message).toContain('management is on and host 0.0.0.0 is reachable from other machines, but no management token is set');
    expect(message).toContain('management_token_file (--management-token-file)');
    expect(message).toContain('SERVEBENCH_MANAGEMENT_TOKEN');
    expect(message).toContain('--management false');
  });

  it('starts beyond loopback with management off, or with a token, and on loopback without one', () => {
    expect(serverConfigOf(resolveConfig({ flags: { host: '0.0.0.0' } })).management).toBe(false);
    expect(serverConfigOf(resolveConfig({ flags: { host: '0.0.0.0', management: 'true' }, env: { SERVEBENCH_MANAGEMENT_TOKEN: 'from-env' } })).managementToken).toBe('from-env');
    expect(serverConfigOf(resolveConfig({ flags: { host: '127.0.0.1', management: 'true' } })).managementToken).toBeUndefined();
    expect(() => checkManagementAccess({ host: '::', management: true, managementToken: 't' })).not.toThrow();
  });

  it('reads the token from management_token_file, trimmed', async () => {
    const path = join(dir, 'token');
    await writeFile(path, '  s3cret-token\n');
    const config = serverConfigOf(resolveConfig({ flags: { host: '0.0.0.0', management: 'true', management_token_file: path } }));
    expect(config.managementToken).toBe('s3cret-token');
    expect(managementTokenOf({ management_token_file: 'any' }, () => 'abc\n')).toBe('abc');
  });

  it('refuses an unreadable, empty or multi-line token file naming it', async () => {
    expect(configErrorOf(() => managementTokenOf({ management_token_file: '/no/such/token' }, noFile)).message).toBe(
      'management_token_file: cannot read /no/such/token (ENOENT); write the token into that file or set SERVEBENCH_MANAGEMENT_TOKEN',
    );
    const empty = join(dir, 'empty');
    await writeFile(empty, ' \n');
    expect(configErrorOf(() => serverConfigOf(resolveConfig({ flags: { management_token_file: empty } }))).message).toBe(`management_token_file: ${empty} is empty; write the token into it`);
    expect(configErrorOf(() => managementTokenOf({ management_token_file: 't' }, () => 'one\ntwo')).message).toContain('holds more than one line');
  });

  it('refuses management_token and management_token_file together, and an empty token', () => {
    const both = configErrorOf(() => serverConfigOf(resolveConfig({ flags: { management_token: 'a', management_token_file: '/t' } }), () => 'b')).message;
    expect(both).toContain('management_token (--management-token, SERVEBENCH_MANAGEMENT_TOKEN) and management_token_file (--management-token-file, SERVEBENCH_MANAGEMENT_TOKEN_FILE) are both set');
    expect(configErrorOf(() => serverConfigOf(resolveConfig({ flags: { management: 'true', management_token: '' } }))).message).toContain('management_token is empty');
  });
});
