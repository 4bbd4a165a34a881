// A server the runner started as a child process: its PID, its exit, its recent logs, signals, and
// a stop that always ends it and everything it spawned. The child leads a process group of its
// own, so a SIGKILL at the end also reaches its helpers (Triton's backend stubs, TorchServe's
// Python workers), and a Ctrl-C typed at the harness reaches the harness alone, which then stops it.
// Leashed (orphan.ts): a harness that dies without stopping it takes it along all the same.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { leashServer } from './orphan.ts';
import { ServebenchError } from '../contract/errors.ts';

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when the process exited. */
  atMs: number;
}

export interface ServerProcess {
  pid: number;
  /** Resolves when the process exits, whoever ended it. */
  exited: Promise<ServerExit>;
  /** The last lines the server wrote to stderr and stdout, for error messages. */
  recentLogs(): string[];
  /** The last lines once its output has been read to the end (or 200 ms after its exit: a helper may hold the pipes). */
  finalLogs(): Promise<string[]>;
  /** A signal to the server itself (as an orchestrator sends it), not to its group. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL to the whole group after graceMs; resolves when it has exited. Safe to call twice. */
  stop(graceMs?: number): Promise<ServerExit>;
}

export interface LaunchOptions {
  file: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Each line the server prints on stdout (the embedded server says where it listens there). */
  onStdoutLine?: (line: string) => void;
}

const KEPT_LOG_LINES = 50;

/** Starts the server; rejects with SB_ERR_TARGET_START when the command cannot run at all. */
export async function launchServerProcess(options: LaunchOptions): Promise<ServerProcess> {
  const child = spawn(options.file, options.args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const logs: string[] = [];
  const keep = (line: string) => {
    logs.push(line);
    if (logs.length > KEPT_LOG_LINES) logs.shift();
  };
  // Not events.once: it would reject on the 'error' of a command that cannot start.
  const exited = new Promise<ServerExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, atMs: performance.now() })));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // A command that cannot start at all (ENOENT, EACCES) gives an error event and no process.
  const spawned = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (err) => resolve(err));
  });
  const pid = child.pid;
  if (spawned || pid === undefined) {
    const why = spawned?.code === 'ENOENT' ? 'no such file or command (is it installed, and is the path relative to target.cwd?)' : spawned?.code === 'EACCES' ? 'not executable' : (spawned?.message ?? 'no process');
    throw new ServebenchError('SB_ERR_TARGET_START', `cannot run ${JSON.stringify(options.file)}${options.cwd ? ` in ${options.cwd}` : ''}: ${why}`);
  }
  readLines(child.stderr!, keep);
  readLines(child.stdout!, (line) => {
    keep(line);
    options.onStdoutLine?.(line);
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already empty.
    }
  };
  // However the harness ends (kill -9, a forced second Ctrl-C, an uncaught error), its server goes
  // with it; once the server has exited, its PID may be reused and the leash lets go.
  const leash = leashServer(pid);
  void exited.then(() => leash?.release());

  const stop = async (graceMs = 15_000): Promise<ServerExit> => {
    if (running()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    // Helpers the server left behind (a stub it did not reap) go too.
    killGroup('SIGKILL');
    await leash?.release();
    return exited;
  };

  return {
    pid,
    exited,
    recentLogs: () => [...logs],
    finalLogs: async () => {
      await exited;
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 200).unref())]);
      return [...logs];
    },
    signal: (signal) => {
      if (running()) child.kill(signal);
    },
    stop,
  };
}

function readLines(stream: Readable, onLine: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}
