// Child processes for benchmarks: the server under test never shares an event loop with the load generator.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Spawned {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns `node <args>` and waits for a `listening on http://...` line on stdout. */
export async function spawnListening(args: string[], env: Record<string, string> = {}): Promise<Spawned> {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]);
    });
    exited.then(([code]) => reject(new Error(`process exited (${code}) before listening:\n${stderr.slice(-20).join('\n')}`)));
  });
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function spawnServebench(flags: string[]): Promise<Spawned> {
  return spawnListening([`${REPO_ROOT}bin/servebench`, 'serve', '--host', '127.0.0.1', '--port', '0', '--models', `${REPO_ROOT}models`, '--log-level', 'warn', ...flags]);
}
