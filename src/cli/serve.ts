// `servebench serve`: resolve settings (flags > env > file > defaults), print them, start the
// embedded server, and turn SIGTERM/SIGINT into a drain (a second signal forces exit).
import { availableParallelism } from 'node:os';
import { readConfigFile } from '../server/config/file.ts';
import { exposureWarning } from '../server/config/access.ts';
import { resolveConfig, type ResolvedConfig } from '../server/config/resolve.ts';
import { SETTINGS, SETTING_BY_KEY, envName, flagName, type SettingDef } from '../server/config/settings.ts';
import { startServer } from '../server/server.ts';
import { onInterrupt } from './interrupt.ts';
import { defineCommand } from './command.ts';
import { flag, type ValueFlag } from './flags.ts';

/** A setting's value in the help: its choices, or what kind of value it takes. */
function settingMetavar(setting: SettingDef): string {
  if (setting.kind === 'enum') return setting.choices!.join('|');
  if (setting.key.endsWith('_file')) return 'FILE';
  return { int: 'N', number: 'X', bool: 'true|false', string: 'TEXT', 'int-list': 'N,N,...' }[setting.kind];
}

// Values stay text: resolveConfig checks them as it checks env and file values, naming the source.
const SETTING_FLAGS: Record<string, ValueFlag<string>> = Object.fromEntries(SETTINGS.map((s) => [
  flagName(s.key).slice(2),
  flag.text(settingMetavar(s), `${s.description} [default: ${JSON.stringify(s.default) ?? 'unset'}; env ${envName(s.key)}]`),
]));

const serve = defineCommand({
  name: 'serve',
  usage: ['servebench serve [--config FILE] [--SETTING VALUE ...]'],
  flags: {
    config: flag.text('FILE', 'settings file (YAML or JSON): the settings below as keys, _ for - (max_batch_size: 8),\nper model under model_settings.NAME'),
    ...SETTING_FLAGS,
  } as Record<string, ValueFlag<string>>,
  body: [
    `Starts the embedded reference inference server (KServe v2, TorchServe-style, /metrics, and the
model management API when asked for). Settings come from flags > SERVEBENCH_* environment
variables > --config file (YAML or JSON) > defaults.
`,
    ['config'],
    `
Safe by default: binds 127.0.0.1, and the management endpoints (load/unload) are off unless
--management true. Bound beyond loopback (e.g. --host 0.0.0.0), management needs a token, and the
server warns that it accepts requests from other machines. Give the token with
--management-token-file FILE or SERVEBENCH_MANAGEMENT_TOKEN: a token on the command line shows in ps.
A management load's override is capped by the machine (${availableParallelism()} cores here): workers <= 4 x cores,
intra_op_threads <= cores, workers x intra_op_threads <= 4 x cores. Files, env and flags, set by
whoever starts the server, keep the static limits (workers <= ${SETTING_BY_KEY.get('workers')!.max}, intra_op_threads <= ${SETTING_BY_KEY.get('intra_op_threads')!.max}).

Settings:`,
    Object.keys(SETTING_FLAGS),
  ],
  run: (input) => serveFrom(input.flags.config, input.given, input.flags),
});
export default serve;

/** After the drain deadline, how long stopping workers and closing sockets may take. */
const SHUTDOWN_GRACE_MS = 500;

export function describeEffectiveConfig(resolved: ResolvedConfig): string {
  const lines = SETTINGS.map((s) => {
    const value = s.secret && resolved.values[s.key] !== undefined ? '<set>' : JSON.stringify(resolved.values[s.key]) ?? 'unset';
    return `  ${s.key.padEnd(30)} ${value.padEnd(16)} (${resolved.sources[s.key]})`;
  });
  return `servebench: effective config\n${lines.join('\n')}`;
}

async function serveFrom(configFile: string | undefined, given: ReadonlySet<string>, values: Readonly<Record<string, unknown>>): Promise<number> {
  // Only the settings given: a flag outranks env and file, so an absent one must stay absent.
  const flags: Record<string, string> = {};
  for (const name of given) if (name !== 'config') flags[name.replaceAll('-', '_')] = values[name] as string;
  const file = configFile ? await readConfigFile(configFile) : undefined;
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
