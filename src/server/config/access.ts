// Who may reach the server, decided before it binds: the management token (inline or from a
// file), the refusal to open management beyond loopback without one, and the start-up warning
// for a non-loopback bind. Pure: the token file's reader is passed in.
import { isIPv4 } from 'node:net';
import { serveError } from '../errors.ts';
import { envName, flagName } from './settings.ts';

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost; anything else may be reachable from other machines. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return isIPv4(v4) && v4.startsWith('127.');
}

/** The warning printed at start for a non-loopback bind, whatever the management state. */
export function exposureWarning(host: string, management: boolean): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  const what = management ? 'inference, metrics and management (with its token)' : 'inference and metrics';
  return `host ${host} is not loopback: the server accepts requests from other machines (${what}); bind 127.0.0.1 unless that is what you want`;
}

const where = (key: string) => `${key} (${flagName(key)}, ${envName(key)})`;

export interface TokenSettings {
  management_token?: string;
  management_token_file?: string;
}

/**
 * The management token from management_token or management_token_file (read with `readText`,
 * trimmed). Both set, an empty token, or an unreadable file is refused naming the setting.
 */
export function managementTokenOf(settings: TokenSettings, readText: (path: string) => string): string | undefined {
  const { management_token: inline, management_token_file: file } = settings;
  if (inline !== undefined && file !== undefined) {
    throw serveError('SB_ERR_CONFIG', `${where('management_token')} and ${where('management_token_file')} are both set: keep one (the file, or the env, stays out of ps)`);
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = readText(file);
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw serveError('SB_ERR_CONFIG', `management_token_file: cannot read ${file} (${reason}); write the token into that file or set ${envName('management_token')}`);
    }
    const token = text.trim();
    if (token === '') throw serveError('SB_ERR_CONFIG', `management_token_file: ${file} is empty; write the token into it`);
    // A header value cannot carry a line break: such a token could never be sent.
    if (/[\r\n]/.test(token)) throw serveError('SB_ERR_CONFIG', `management_token_file: ${file} holds more than one line; the token is one line`);
    return token;
  }
  if (inline !== undefined && inline.trim() === '') {
    throw serveError('SB_ERR_CONFIG', `management_token is empty, which would leave management open; give a token or leave it unset`);
  }
  return inline;
}

/** Management beyond loopback must have a token: anyone who reaches the port could load and unload models. */
export function checkManagementAccess(config: { host: string; management: boolean; managementToken?: string }): void {
  if (!config.management || config.managementToken !== undefined || isLoopbackHost(config.host)) return;
  throw serveError(
    'SB_ERR_CONFIG',
    `management is on and host ${config.host} is reachable from other machines, but no management token is set: ` +
      `set management_token_file (${flagName('management_token_file')}) or ${envName('management_token')}, ` +
      `bind host 127.0.0.1, or turn management off (${flagName('management')} false)`,
  );
}
