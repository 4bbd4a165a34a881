// Where a run happened, recorded with its results so two runs are only compared knowingly.
// Every part is best effort: a missing git, package or GPU leaves its field out, never throws.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnvironmentInfo } from '../contract/results.ts';
import { queryGpus, type GpuQueryOptions } from './gpu.ts';
import { querySystemFacts, systemFields } from './systemFacts.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface EnvironmentOptions {
  gpu?: GpuQueryOptions;
  /** Directory whose git commit is recorded; default the servebench checkout. */
  gitDir?: string;
}

export async function collectEnvironment(options: EnvironmentOptions = {}): Promise<EnvironmentInfo> {
  const [onnxruntime, servebench, gitCommit, gpus, facts] = await Promise.all([
    onnxruntimeVersion(),
    packageVersion(`${PACKAGE_ROOT}package.json`),
    gitHead(options.gitDir ?? PACKAGE_ROOT),
    queryGpus(options.gpu),
    querySystemFacts(),
  ]);
  const system = facts ? systemFields(facts) : {};
  // node's own answers first: they are what older results recorded, and a gate compares them.
  const cpuModel = os.cpus()[0]?.model.trim();
  const info: EnvironmentInfo = {
    hostname: os.hostname(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu_model: cpuModel || system.cpu_model || 'unknown',
    // Cores this process may use (cgroup/affinity aware), which is what bounds its throughput.
    cores: os.availableParallelism(),
    memory_bytes: os.totalmem() || system.memory_bytes || 0,
    node: process.version,
    onnxruntime: onnxruntime ?? 'unknown',
    servebench: servebench ?? 'unknown',
    gpus: gpus.available ? gpus.gpus.map((g) => ({ index: g.index, name: g.name ?? 'unknown', ...(g.memory_total_mib !== undefined ? { memory_total_mib: g.memory_total_mib } : {}) })) : [],
  };
  if (gitCommit) info.git_commit = gitCommit;
  if (system.os_distro) info.os_distro = system.os_distro;
  if (system.physical_cores) info.physical_cores = system.physical_cores;
  if (system.graphics) info.graphics = system.graphics;
  return info;
}

async function packageVersion(path: string): Promise<string | undefined> {
  try {
    const pkg = JSON.parse(await readFile(path, 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/** onnxruntime-node's own package.json: up from the file Node resolves the package to. */
async function onnxruntimeVersion(): Promise<string | undefined> {
  let dir: string;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node'));
  } catch {
    return undefined;
  }
  for (let depth = 0; depth < 6; depth++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'onnxruntime-node' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json at this level: keep climbing
    }
  }
  return undefined;
}

function gitHead(cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd, timeout: 3_000, windowsHide: true }, (error, stdout) => {
      const commit = String(stdout).trim();
      resolve(!error && /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined);
    });
  });
}
