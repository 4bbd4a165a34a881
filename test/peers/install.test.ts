// `npm run peers:install` run a second time changes nothing: every peer is already up to date.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/servers.ts';

it('peers:install again leaves every peer as it is', async () => {
  const { stdout } = await promisify(execFile)('bash', [`${REPO_ROOT}scripts/peers-install.sh`], { cwd: REPO_ROOT });
  const lines = stdout.trim().split('\n');
  expect(lines).toEqual(['triton', 'torchserve', 'mlserver', 'clients'].map((peer) => `peers:install: ${peer} is up to date (.peers/${peer})`));
});

it('names the peers it knows when asked for another', async () => {
  const error = await promisify(execFile)('bash', [`${REPO_ROOT}scripts/peers-install.sh`, 'triton-server'], { cwd: REPO_ROOT }).catch((err: { code: number; stderr: string }) => err);
  expect(error).toMatchObject({ code: 2, stderr: 'peers:install: unknown peer \'triton-server\': expected one of triton torchserve mlserver clients model-analyzer\n' });
});
