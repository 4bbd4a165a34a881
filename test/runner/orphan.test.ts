// The leash: a process it guards is stopped when the process holding the leash dies, even by
// SIGKILL; released, it leaves the guarded process alone. Every launched server is leashed.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning, leashServer } from '../../src/runner/orphan.ts';
import { REPO_ROOT } from '../helpers/servers.ts';

const started: { kill(signal?: NodeJS.Signals): boolean; exitCode: number | null; signalCode: string | null }[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A stand-in server: a long sleep, our own child, so its exit is an event we can await. */
function guarded() {
  const child = spawn('sleep', ['120'], { stdio: 'ignore' });
  started.push(child);
  return { child, exited: once(child, 'exit').then(([code, signal]) => ({ code, signal })) };
}

describe('leashServer', () => {
  it('stops the guarded process when the leash holder is SIGKILLed', async () => {
    const server = guarded();
    const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
      `import { leashServer } from ${JSON.stringify(`${REPO_ROOT}src/runner/orphan.ts`)}; leashServer(Number(process.argv[1])); console.log('leashed'); setInterval(() => {}, 1000);`,
      String(server.child.pid)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    started.push(holder);
    const [line] = (await once(createInterface({ input: holder.stdout! }), 'line')) as [string];
    expect(line).toBe('leashed');
    holder.kill('SIGKILL');
    expect(await server.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('leaves the guarded process alone once released', async () => {
    const server = guarded();
    const leash = leashServer(server.child.pid!)!;
    await leash.release();
    // release() waited for the shell to exit, so any signal it sent has landed: the sleep would be a zombie by now.
    const stat = await readFile(`/proc/${server.child.pid}/stat`, 'utf8');
    expect(stat.slice(stat.lastIndexOf(')') + 2)[0]).not.toBe('Z');
  });

  it('stops a launched server and its helpers when the harness that launched it is SIGKILLed', async () => {
    // The harness: launches a server that spawns a helper of its own and exits on SIGTERM without stopping it.
    const harness = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
      `import { launchServerProcess } from ${JSON.stringify(`${REPO_ROOT}src/runner/serverProcess.ts`)}; await launchServerProcess({ file: process.execPath, args: [${JSON.stringify(`${REPO_ROOT}test/helpers/launched/forkingServer.mjs`)}, '0'], onStdoutLine: (line) => console.log(line) }); setInterval(() => {}, 1000);`],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    started.push(harness);
    const [line] = (await once(createInterface({ input: harness.stdout! }), 'line')) as [string];
    const pids = (/^pids (\d+) (\d+)/.exec(line) ?? []).slice(1).map(Number);
    expect(pids).toHaveLength(2);
    try {
      harness.kill('SIGKILL');
      // Neither is our child: no exit event, so poll until both are gone or 10 s pass.
      for (let i = 0; i < 200 && (await Promise.all(pids.map(isRunning))).some(Boolean); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await Promise.all(pids.map(isRunning))).toEqual([false, false]);
    } finally {
      for (const pid of pids) if (await isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
