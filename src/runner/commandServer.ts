// The command target: an external server (Triton, TorchServe, MLServer, the user's own) launched
// from its command line with fresh ports, waited for until its model is ready, and stopped at the
// end like the embedded server. Start-up time is kept: slow model loading is a finding too.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { knobPlaceholderValues, type Knob } from '../serving/knobs.ts';
import { CONFIG_FILE_PLACEHOLDERS, expandPlaceholders, isConfigFilePlaceholder, isPortPlaceholder, placeholdersIn, type ConfigFilePlaceholder } from '../scenario/placeholders.ts';
import { renderConfigFile } from './configFiles.ts';
import type { CommandTarget } from '../contract/scenario.ts';
import { freePorts } from './freePorts.ts';
import { waitUntilReady } from './readiness.ts';
import { launchServerProcess, type ServerProcess } from './serverProcess.ts';
import { ServebenchError, isServebenchError } from '../contract/errors.ts';

export interface CommandServer extends ServerProcess {
  origin: string;
  /** The server's Prometheus endpoint, when the target names one. */
  metricsUrl?: string;
  /** TorchServe's management API, when the target names one. */
  managementUrl?: string;
  /** From launch to the first ready answer, ms. */
  startupMs: number;
}

export interface ModelRef {
  name: string;
  version?: string;
}

function templatesOf(target: CommandTarget): string[] {
  return [...target.command, ...Object.values(target.env), target.url, target.ready_path, ...[target.metrics_url, target.management_url].filter((u): u is string => u !== undefined)];
}

/** The values of every placeholder the target uses: fresh ports, the model, the knobs, a fresh temp folder, config files written into it. */
async function placeholderValues(target: CommandTarget, model: ModelRef, start: StartSettings): Promise<{ values: Record<string, string>; tmp?: string }> {
  const names = [...new Set(templatesOf(target).flatMap(placeholdersIn))];
  const portNames = names.filter(isPortPlaceholder);
  const configFiles = names.filter(isConfigFilePlaceholder);
  const ports = await freePorts(portNames.length);
  const knobs: KnobSettings = { ...target.server, ...start.settings };
  const values: Record<string, string> = { ...knobPlaceholderValues(knobs), model: model.name, version: model.version ?? '' };
  portNames.forEach((name, i) => (values[name] = String(ports[i])));
  if (!names.includes('tmp') && configFiles.length === 0) return { values };
  const tmp = await mkdtemp(path.join(tmpdir(), 'servebench-target-'));
  if (names.includes('tmp')) values.tmp = tmp;
  // In a folder of their own: a server may write its own files of those names into {tmp}.
  const configDir = path.join(tmp, 'servebench-config');
  for (const name of configFiles) {
    const file = path.join(configDir, CONFIG_FILE_PLACEHOLDERS[name]);
    try {
      await mkdir(configDir, { recursive: true });
      await writeFile(file, start.files?.[name] ?? renderConfigFile(name, knobs, model));
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw new ServebenchError('SB_ERR_TARGET_START', `cannot write {${name}} for the server (${file}): ${(err as Error).message}`);
    }
    values[name] = file;
  }
  return { values, tmp };
}

function lastLines(logs: readonly string[], count = 8): string {
  const lines = logs.slice(-count);
  return lines.length > 0 ? `; its last output:\n${lines.map((l) => `  ${l}`).join('\n')}` : ' (it printed nothing)';
}

/** Knob values for one start (a tuning trial's), over the target's own `server` settings. */
export type KnobSettings = Partial<Record<Knob, number>>;

export interface StartSettings {
  /** Knob values for this start (a tuning trial's), over the target's own `server` settings. */
  settings?: KnobSettings;
  /** Config files given whole (a tuned export) instead of rendered from the knobs. */
  files?: Partial<Record<ConfigFilePlaceholder, string>>;
}

export async function startCommandServer(target: CommandTarget, model: ModelRef, start: StartSettings = {}): Promise<CommandServer> {
  const { values, tmp } = await placeholderValues(target, model, start);
  const fill = (template: string) => expandPlaceholders(template, values);
  const [file, ...args] = target.command.map(fill);
  const env = { ...process.env, ...Object.fromEntries(Object.entries(target.env).map(([k, v]) => [k, fill(v)])) };
  const origin = fill(target.url);
  const removeTmp = () => (tmp ? rm(tmp, { recursive: true, force: true }) : Promise.resolve());
  const launchedAt = performance.now();
  let server: ServerProcess;
  try {
    server = await launchServerProcess({ file: file!, args, env, cwd: target.cwd });
  } catch (err) {
    await removeTmp();
    throw err;
  }
  const exitedEarly = server.exited.then(async (exit) => `${file} exited (${exit.signal ?? `code ${exit.code}`}) before ${origin}${fill(target.ready_path)} answered 200${lastLines(await server.finalLogs())}`);
  try {
    await waitUntilReady(origin, target.protocol, target.ready_timeout_ms, { path: fill(target.ready_path), giveUp: exitedEarly });
  } catch (err) {
    await server.stop(2000);
    await removeTmp();
    if (isServebenchError(err, 'SB_ERR_TARGET_NOT_READY')) err.message += lastLines(server.recentLogs());
    throw err;
  }
  const startupMs = Math.round(performance.now() - launchedAt);
  return {
    ...server,
    origin,
    ...(target.metrics_url ? { metricsUrl: fill(target.metrics_url) } : {}),
    ...(target.management_url ? { managementUrl: fill(target.management_url) } : {}),
    startupMs,
    stop: async (graceMs = target.stop_timeout_ms) => {
      const exit = await server.stop(graceMs);
      await removeTmp();
      return exit;
    },
  };
}
