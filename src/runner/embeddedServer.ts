// The embedded target: `servebench serve` as a child process, reached only over HTTP and signals,
// exactly like an external server. Always stopped at the end, on errors and on Ctrl-C.
import { fileURLToPath } from 'node:url';
import type { EmbeddedTarget } from '../contract/scenario.ts';
import { launchServerProcess, type ServerProcess } from './serverProcess.ts';
import { ServebenchError } from '../contract/errors.ts';

export type { ServerExit } from './serverProcess.ts';

const CLI = fileURLToPath(new URL('../../bin/servebench', import.meta.url));

export interface EmbeddedServer extends ServerProcess {
  origin: string;
}

/** `{max_batch_size: 16}` -> `--max-batch-size 16`; lists joined by commas. */
export function serverFlags(settings: EmbeddedTarget['server']): string[] {
  return Object.entries(settings).flatMap(([key, value]) => [`--${key.replaceAll('_', '-')}`, Array.isArray(value) ? value.join(',') : String(value)]);
}

/**
 * The harness's own server binds loopback and is re-configured through its management API (tune),
 * so it turns management on for itself, unless the scenario says `management` or chooses the
 * address itself (`host`): then whether management is safe there is the scenario's call.
 */
export function harnessFlags(settings: EmbeddedTarget['server']): string[] {
  return 'management' in settings || 'host' in settings ? [] : ['--management', 'true'];
}

export async function startEmbeddedServer(target: EmbeddedTarget, extraFlags: string[] = []): Promise<EmbeddedServer> {
  const args = [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', '--models', target.models_dir, ...harnessFlags(target.server), ...serverFlags(target.server), ...extraFlags];
  let announce: (origin: string) => void = () => {};
  const announced = new Promise<string>((resolve) => (announce = resolve));
  const server = await launchServerProcess({
    file: process.execPath,
    args,
    onStdoutLine: (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) announce(match[1]!);
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const origin = await Promise.race([
      announced,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ServebenchError('SB_ERR_TARGET_START', `the embedded server did not start within ${target.ready_timeout_ms} ms`)), target.ready_timeout_ms);
      }),
      server.exited.then(async ({ code }): Promise<never> => {
        const logs = await server.finalLogs();
        const detail = logs.filter((l) => !l.startsWith('{')).slice(-5).join('\n') || logs.slice(-3).join('\n');
        throw new ServebenchError('SB_ERR_TARGET_START', `the embedded server exited with code ${code} before listening:\n${detail}`);
      }),
    ]);
    return { ...server, origin };
  } catch (err) {
    await server.stop(1000);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
