// `servebench serve`: resolve settings (flags > env > file > defaults), print them, start the
// embedded server, and turn SIGTERM/SIGINT into a drain (a second signal forces exit).
import { availableParallelism } from 'node:os';
import { readConfigFile } from '../server/config/file.ts';
import { exposureWarning } from '../server/config/access.ts';
import { resolveConfig, type ResolvedConfig } from '../server/config/resolve.ts';
import { SETTINGS, SETTING_BY_KEY, envName, flagName } from '../server/config/settings.ts';
import { startServer } from '../server/server.ts';
import { parseArgs } from './args.ts';
import { onInterrupt } from './interrupt.ts';

export const HELP = `Usage: servebench serve [--config FILE] [--SETTING VALUE ...]

Starts the embedded reference inference server (KServe v2, TorchServe-style, /metrics, and the
model management API when asked for). Settings come from flags > SERVEBENCH_* environment
variables > --config file (YAML or JSON) > defaults.

Safe by default: binds 127.0.0.1, and the management endpoints (load/unload) are off unless
--management true. Bound beyond loopback (e.g. --host 0.0.0.0), management needs a token, and the
server warns that it accepts requests from other machines. Give the token with
--management-token-file FILE or SERVEBENCH_MANAGEMENT_TOKEN: a token on the command line shows in ps.
A management load's override is capped by the machine (${availableParallelism()} cores here): workers <= 4 x cores,
intra_op_threads <= cores, workers x intra_op_threads <= 4 x cores. Files, env and flags, set by
whoever starts the server, keep the static limits (workers <= ${SETTING_BY_KEY.get('workers')!.max}, intra_op_threads <= ${SETTING_BY_KEY.get('intra_op_threads')!.max}).

Settings:
${SETTINGS.map((s) => `  ${flagName(s.key).padEnd(32)} ${s.description} [default: ${JSON.stringify(s.default) ?? 'unset'}; env ${envName(s.key)}]`).join('\n')}
`;

/** After the drain deadline, how long stopping workers and closing sockets may take. */
const SHUTDOWN_GRACE_MS = 500;

export function describeEffectiveConfig(resolved: ResolvedConfig): string {
  const lines = SETTINGS.map((s) => {
    const value = s.secret && resolved.values[s.key] !== undefined ? '<set>' : JSON.stringify(resolved.values[s.key]) ?? 'unset';
    return `  ${s.key.padEnd(30)} ${value.padEnd(16)} (${resolved.sources[s.key]})`;
  });
  return `servebench: effective config\n${lines.join('\n')}`;
}

export async function run(argv: string[]): Promise<number> {
  const settingFlags = SETTINGS.map((s) => flagName(s.key).slice(2));
  const args = parseArgs(argv, { values: [...settingFlags, 'config'], booleans: ['help'] });
  if (args.booleans.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const flags: Record<string, string> = {};
  for (const [name, value] of Object.entries(args.values)) if (name !== 'config') flags[name.replaceAll('-', '_')] = value;
  const file = args.values.config ? await readConfigFile(args.values.config) : undefined;
  const resolved = resolveConfig({ file, env: process.env, flags });
  process.stdout.write(`${describeEffectiveConfig(resolved)}\n`);

  const server = await startServer(resolved);
  const models = server.registry.list().map((m) => `${m.name}@${m.version}`).join(', ');
  const exposed = exposureWarning(server.config.host, server.config.management);
  if (exposed) process.stderr.write(`servebench: warning: ${exposed}\n`);
  process.stdout.write(`servebench: serving ${models || 'no models'}\nservebench: listening on ${server.url}\n`);

  return new Promise<number>((resolve) => {
    // The one way a command handles signals (cli/interrupt.ts): the first drains, the second exits.
    onInterrupt(
      (source) => {
        const signal = source === 'SIGINT' ? 'SIGINT' : 'SIGTERM';
        process.stdout.write(`servebench: ${signal} received: draining (up to ${server.config.drainTimeoutMs} ms); send again to force exit\n`);
        // The deadline ends the process whatever is still running (a worker mid-batch, a stuck close).
        setTimeout(() => {
          process.stderr.write(`servebench: still stopping ${SHUTDOWN_GRACE_MS} ms after the drain deadline: exiting now\n`);
          process.exit(1);
        }, server.config.drainTimeoutMs + SHUTDOWN_GRACE_MS).unref();
        server.shutdown(signal).then(
          (drained) => resolve(drained ? 0 : 1),
          (err) => {
            process.stderr.write(`servebench: error while draining: ${(err as Error).message}\n`);
            resolve(1);
          },
        );
      },
      (source) => `servebench: second ${source}: exiting now without draining\n`,
    );
  });
}
