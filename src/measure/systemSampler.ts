// Samples the machine, the server process, the load generator itself and the GPUs every
// interval, for the resource side of tuning (CPU neither idle nor overloaded) and leak soaks.
// Never throws while sampling: what cannot be read is left out and noted once.
import type { GpuSample, SystemSample } from '../contract/results.ts';
import { queryGpus, type GpuQueryOptions } from './gpu.ts';
import { machineCpuMeter } from './machineCpu.ts';
import { descendantsOf, readUsages, treeCpuBetween } from './processTree.ts';
import type { ProcessUsage } from './processUsage.ts';
import { scrapeMetrics, SERVER_MEMORY_SAMPLES, serverMemory } from './serverMetrics.ts';

export interface SystemSamplerOptions {
  /** The run's start on the monotonic clock (µs, performance.now()*1000): samples' t counts from it. */
  runStartUs: number;
  intervalMs: number;
  /** The server process, when it runs on this machine: it and its descendants are sampled. */
  serverPid?: number;
  /** The server's Prometheus endpoint, scraped each tick for its heap and external memory (and RSS without a PID). */
  metricsUrl?: string;
  /** Query nvidia-smi each tick. */
  gpu?: boolean | GpuQueryOptions;
  nowUs?: () => number;
  /** Called with each sample as it is taken (the live dashboard). */
  onSample?: (sample: SystemSample) => void;
  /** Called once per distinct problem (a vanished PID, no GPU...). */
  onNote?: (note: string) => void;
}

interface CpuReading {
  atMs: number;
  cpuMs: number;
}

export class SystemSampler {
  private readonly options: SystemSamplerOptions;
  private readonly nowUs: () => number;
  private readonly collected: SystemSample[] = [];
  private readonly noted = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private lastServer: CpuReading | undefined;
  private lastLoadgen: CpuReading | undefined;
  private serverGone = false;
  private descendants: number[] = [];
  /** The server tree's last reading, and the CPU it used between readings since the first. */
  private lastTree: Map<number, ProcessUsage> | undefined;
  private treeCpuMs = 0;
  private ticksSinceTreeScan = Number.POSITIVE_INFINITY;
  private gpuOff = false;
  private metricsOff = false;
  private readonly machineMeter = machineCpuMeter();

  constructor(options: SystemSamplerOptions) {
    this.options = options;
    this.nowUs = options.nowUs ?? (() => performance.now() * 1000);
  }

  /** Starts ticking; the first sample comes one interval later (CPU is a rate: it needs two readings). */
  async start(): Promise<void> {
    if (this.timer) return;
    await this.prime();
    this.timer = setInterval(() => {
      // A slow tick (nvidia-smi, a busy server's /metrics) skips the next rather than piling up.
      if (!this.inFlight) this.inFlight = this.tick().finally(() => (this.inFlight = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops ticking, waits for a tick in progress, and returns every sample. */
  async stop(): Promise<SystemSample[]> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    return this.samples();
  }

  samples(): SystemSample[] {
    return [...this.collected];
  }

  latest(): SystemSample | undefined {
    return this.collected.at(-1);
  }

  /** Problems met so far, each once. */
  notes(): string[] {
    return [...this.noted];
  }

  /** Takes one sample now (also what each tick does). */
  async sampleOnce(): Promise<SystemSample> {
    const sample: SystemSample = { t: Math.round((this.nowUs() - this.options.runStartUs) / 1000) / 1000 };
    const [machine, server, metrics, gpus] = await Promise.all([this.machineCpu(), this.serverUsage(), this.serverMetrics(), this.gpus()]);
    if (machine !== undefined) sample.machine_cpu_percent = machine;
    if (server) {
      sample.server_rss_bytes = server.rssBytes;
      const percent = rate(this.lastServer, server.cpuMs);
      if (percent !== undefined) sample.server_cpu_percent = percent;
      this.lastServer = { atMs: performance.now(), cpuMs: server.cpuMs };
    }
    const own = process.cpuUsage();
    const ownCpuMs = (own.user + own.system) / 1000;
    const loadgenPercent = rate(this.lastLoadgen, ownCpuMs);
    if (loadgenPercent !== undefined) sample.loadgen_cpu_percent = loadgenPercent;
    this.lastLoadgen = { atMs: performance.now(), cpuMs: ownCpuMs };
    sample.loadgen_rss_bytes = process.memoryUsage.rss();
    if (metrics) {
      if (sample.server_rss_bytes === undefined && metrics.rss_bytes !== undefined) sample.server_rss_bytes = metrics.rss_bytes;
      if (metrics.heap_used_bytes !== undefined) sample.server_heap_used_bytes = metrics.heap_used_bytes;
      if (metrics.external_bytes !== undefined) sample.server_external_bytes = metrics.external_bytes;
    }
    if (gpus) sample.gpus = gpus;
    return sample;
  }

  private async tick(): Promise<void> {
    try {
      const sample = await this.sampleOnce();
      this.collected.push(sample);
      this.options.onSample?.(sample);
    } catch (err) {
      this.note(`system sample failed: ${(err as Error).message}`);
    }
  }

  /** First readings, so the first tick's CPU percentages cover one interval. */
  private async prime(): Promise<void> {
    await this.machineCpu();
    const server = await this.serverUsage();
    if (server) this.lastServer = { atMs: performance.now(), cpuMs: server.cpuMs };
    const own = process.cpuUsage();
    this.lastLoadgen = { atMs: performance.now(), cpuMs: (own.user + own.system) / 1000 };
  }

  /** Whole machine, 0..100 (all cores), since the previous reading. */
  private async machineCpu(): Promise<number | undefined> {
    try {
      const percent = await this.machineMeter();
      return percent === undefined ? undefined : round1(percent);
    } catch (err) {
      this.note(`machine CPU unavailable: ${(err as Error).message}`);
      return undefined;
    }
  }

  private async serverUsage(): Promise<ProcessUsage | null> {
    const pid = this.options.serverPid;
    if (pid === undefined || this.serverGone) return null;
    // A full /proc scan finds new children; between scans only the known ones are read.
    if (++this.ticksSinceTreeScan >= TREE_SCAN_EVERY_TICKS) {
      this.ticksSinceTreeScan = 0;
      this.descendants = await descendantsOf(pid).catch(() => []);
    }
    const tree = await readUsages([pid, ...this.descendants]);
    const usage = tree.get(pid);
    if (!usage) {
      this.serverGone = true;
      this.note(`server process ${pid} is gone: no more server CPU/RSS samples`);
      return null;
    }
    // Children come and go: only what each used between two of our readings counts, so a worker
    // found mid-run or one that exits is no spike or dip. cpuMs is that sum since the first reading.
    if (this.lastTree) this.treeCpuMs += treeCpuBetween(this.lastTree, tree, pid) ?? 0;
    this.lastTree = tree;
    if (tree.size > 1) this.note(TREE_NOTE);
    return { ...usage, cpuMs: this.treeCpuMs, rssBytes: [...tree.values()].reduce((sum, u) => sum + u.rssBytes, 0) };
  }

  private async serverMetrics() {
    const url = this.options.metricsUrl;
    if (!url || this.metricsOff) return null;
    try {
      const exposition = await scrapeMetrics(url, { only: SERVER_MEMORY_SAMPLES });
      if (!exposition) this.note(`${url} not available: no server heap samples until it answers`);
      return exposition ? serverMemory(exposition) : null;
    } catch (err) {
      this.metricsOff = true;
      this.note(`${url} is not Prometheus text (${(err as Error).message}): not scraped again`);
      return null;
    }
  }

  private async gpus(): Promise<GpuSample[] | undefined> {
    const gpu = this.options.gpu;
    if (!gpu || this.gpuOff) return undefined;
    const status = await queryGpus(typeof gpu === 'object' ? gpu : {});
    if (status.available) return status.gpus;
    this.gpuOff = true; // no GPU now means none for this run: stop spawning nvidia-smi every second
    this.note(`no GPU samples: ${status.reason}`);
    return undefined;
  }

  private note(message: string): void {
    if (this.noted.has(message)) return;
    this.noted.add(message);
    this.options.onNote?.(message);
  }
}

/** How often (in ticks) the server's process tree is rescanned for new children. */
const TREE_SCAN_EVERY_TICKS = 5;
const TREE_NOTE = 'server CPU and RSS are summed over the server process and its child processes';

/** CPU percent of one core (top's convention: 200 = two cores busy) between two readings. */
function rate(previous: CpuReading | undefined, cpuMs: number): number | undefined {
  if (!previous) return undefined;
  const wallMs = performance.now() - previous.atMs;
  return wallMs > 0 ? round1(Math.max(0, ((cpuMs - previous.cpuMs) / wallMs) * 100)) : undefined;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
