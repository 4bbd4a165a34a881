// The embedded target: `servebench serve` as a child process, reached only over HTTP and signals,
// exactly like an external server. Always stopped at the end, on errors and on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EmbeddedTarget } from '../scenario/types.ts';
import { RunError } from './errors.ts';

const CLI = fileURLToPath(new URL('../../bin/servebench', import.meta.url));

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when the process exited. */
  atMs: number;
}

export interface EmbeddedServer {
  origin: string;
  pid: number;
  /** Resolves when the process exits, whoever ended it. */
  exited: Promise<ServerExit>;
  /** The last lines the server wrote to stderr (its logs), for error messages. */
  recentLogs(): string[];
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after graceMs; resolves when it has exited. Safe to call twice. */
  stop(graceMs?: number): Promise<ServerExit>;
}

/** `{max_batch_size: 16}` -> `--max-batch-size 16`; lists joined by commas. */
export function serverFlags(settings: EmbeddedTarget['server']): string[] {
  return Object.entries(settings).flatMap(([key, value]) => [`--${key.replaceAll('_', '-')}`, Array.isArray(value) ? value.join(',') : String(value)]);
}

export async function startEmbeddedServer(target: EmbeddedTarget, extraFlags: string[] = []): Promise<EmbeddedServer> {
  const args = [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', '--models', target.models_dir, ...serverFlags(target.server), ...extraFlags];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    logs.push(line);
    if (logs.length > 50) logs.shift();
  });
  const exited: Promise<ServerExit> = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null, atMs: performance.now() }));
  const running = () => child.exitCode === null && child.signalCode === null;
  // However the harness ends (a forced second Ctrl-C, an uncaught error), its server goes with it.
  const killOnExit = () => {
    if (running()) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));

  const stop = async (graceMs = 15_000): Promise<ServerExit> => {
    if (running()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => running() && child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    }
    return exited;
  };

  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RunError('SB_ERR_TARGET_START', `the embedded server did not start within ${target.ready_timeout_ms} ms`)), target.ready_timeout_ms);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      const detail = logs.filter((l) => !l.startsWith('{')).slice(-5).join('\n') || logs.slice(-3).join('\n');
      reject(new RunError('SB_ERR_TARGET_START', `the embedded server exited with code ${code} before listening:\n${detail}`));
    });
  }).catch(async (err) => {
    await stop(1000);
    throw err;
  });

  return {
    origin,
    pid: child.pid!,
    exited,
    recentLogs: () => [...logs],
    signal: (signal) => {
      if (running()) child.kill(signal);
    },
    stop,
  };
}
