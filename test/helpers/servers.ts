// Real servers for integration tests: in-process (fast) or as a child process (for signals).
// Both bind 127.0.0.1 on port 0 and are always cleaned up by the caller's afterAll/afterEach.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { resolveConfig } from '../../src/server/config/resolve.ts';
import { startServer, type RunningServer } from '../../src/server/server.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MODELS_DIR = `${REPO_ROOT}models`;

export async function startTestServer(flags: Record<string, string> = {}): Promise<RunningServer> {
  const resolved = resolveConfig({ flags: { host: '127.0.0.1', port: '0', models: MODELS_DIR, log_level: 'warn', ...flags } });
  return startServer(resolved, { logDestination: pino.destination({ dest: process.env.SERVEBENCH_TEST_LOG ?? '/dev/null', sync: false }) });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the child by PID if it is still running; safe to call twice. */
  kill(): Promise<void>;
}

/** Spawns `./bin/servebench serve` and resolves once it prints its listening address. */
export async function spawnServer(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [`${REPO_ROOT}bin/servebench`, 'serve', '--host', '127.0.0.1', '--port', '0', '--models', MODELS_DIR, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const lines = createInterface({ input: child.stdout! });
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      stdout.push(line);
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]);
    });
    exited.then(({ code, signal }) => reject(new Error(`server exited before listening (code ${code}, signal ${signal}):\n${stderr.join('\n')}`)));
  }).catch(async (err) => {
    await kill();
    throw err;
  });
  return { url, child, stdout, stderr, exited, kill };
}
