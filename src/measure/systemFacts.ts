// The machine's static facts from systeminformation, read once per run: the OS distribution, the
// physical cores, every graphics controller (any vendor), and a CPU name where os.cpus() has none.
// It runs in a worker thread because its queries call execSync (hostname -f, dmidecode...), which
// would stall the load generator's event loop if the run has started by then; the per-second
// sampling stays on /proc (machineCpu.ts, processTree.ts).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Systeminformation } from 'systeminformation';
import type { EnvironmentInfo } from '../contract/results.ts';

/** What systeminformation answered: cpu(), mem(), osInfo(), graphics(). */
export interface SystemFacts {
  cpu: Pick<Systeminformation.CpuData, 'manufacturer' | 'brand' | 'physicalCores'>;
  mem: Pick<Systeminformation.MemData, 'total'>;
  osInfo: Pick<Systeminformation.OsData, 'distro' | 'release' | 'codename'>;
  graphics: { controllers: Pick<Systeminformation.GraphicsControllerData, 'vendor' | 'model' | 'vram'>[] };
}

/** The environment fields systeminformation adds; cpu_model and memory_bytes only stand in where node has none. */
export type SystemFields = Partial<Pick<EnvironmentInfo, 'cpu_model' | 'memory_bytes' | 'os_distro' | 'physical_cores' | 'graphics'>>;

const text = (s: string | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();

/** Pure: systeminformation's answers to the environment's fields, leaving out what it did not know. */
export function systemFields(facts: SystemFacts): SystemFields {
  const fields: SystemFields = {};
  const cpuModel = text(`${facts.cpu.manufacturer} ${facts.cpu.brand}`);
  if (cpuModel) fields.cpu_model = cpuModel;
  if (facts.mem.total > 0) fields.memory_bytes = facts.mem.total;
  if (facts.cpu.physicalCores > 0) fields.physical_cores = facts.cpu.physicalCores;
  const distro = text(`${facts.osInfo.distro} ${facts.osInfo.release}`);
  if (distro) fields.os_distro = facts.osInfo.codename ? `${distro} (${text(facts.osInfo.codename)})` : distro;
  fields.graphics = facts.graphics.controllers
    .filter((c) => text(c.model) !== '')
    .map((c) => ({ vendor: text(c.vendor) || 'unknown', model: text(c.model), ...(c.vram !== null && c.vram > 0 ? { vram_mib: c.vram } : {}) }));
  return fields;
}

// CommonJS in an eval'd worker: no TypeScript loader needed, and the module path comes resolved.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const si = require(workerData.module);
Promise.all([si.cpu(), si.mem(), si.osInfo(), si.graphics()])
  .then(([cpu, mem, osInfo, graphics]) => parentPort.postMessage({ facts: { cpu, mem, osInfo, graphics } }))
  .catch((err) => parentPort.postMessage({ error: String(err) }));
`;

/** Ask systeminformation off the main thread; undefined when it is missing, fails or takes longer than timeoutMs. */
export function querySystemFacts(timeoutMs = 10_000): Promise<SystemFacts | undefined> {
  let module: string;
  try {
    module = createRequire(import.meta.url).resolve('systeminformation');
  } catch {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { module } });
    const done = (facts: SystemFacts | undefined): void => {
      clearTimeout(timer);
      resolve(facts);
      void worker.terminate();
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    worker.once('message', (m: { facts?: SystemFacts }) => done(m.facts));
    worker.once('error', () => done(undefined));
    worker.once('exit', () => done(undefined));
  });
}
