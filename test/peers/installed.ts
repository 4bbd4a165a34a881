// The real peers the suite drives, as `npm run peers:install` leaves them. A peer that is missing
// fails its test with the command that installs it: never a silent skip.
import { existsSync } from 'node:fs';
import { REPO_ROOT } from '../helpers/servers.ts';

export type PeerName = 'triton' | 'torchserve' | 'mlserver' | 'clients';

export function requirePeer(peer: PeerName): string {
  const venv = `${REPO_ROOT}.peers/${peer}`;
  if (!existsSync(`${venv}/.servebench-installed`)) {
    throw new Error(`the ${peer} peer is not installed in ${venv}: run \`npm run peers:install\` (or \`npm run peers:install -- ${peer}\`)`);
  }
  return venv;
}
