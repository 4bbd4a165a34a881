// The system sampler on real processes: this one, a busy child, an idle child and a vanished one.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { SystemSample } from '../../src/contract/results.ts';
import { parsePsTime, parseProcStatCpuTicks, parseProcStatusRss, readProcessUsage } from '../../src/measure/processUsage.ts';
import { SystemSampler, type SystemSamplerOptions } from '../../src/measure/systemSampler.ts';

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGKILL');
      await once(child, 'exit');
    }
  }
});

async function spawnChild(command: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: 'ignore' });
  children.push(child);
  await once(child, 'spawn');
  return child;
}
// Bounded in time even if cleanup never ran; `sleep` because node's own start-up costs CPU.
const busyChild = () => spawnChild(process.execPath, ['-e', 'const end = Date.now() + 20000; while (Date.now() < end);']);
const idleChild = () => spawnChild('sleep', ['20']);

/** Runs a sampler until it has taken `count` samples (its onSample event), then stops it. */
async function sampleN(options: Omit<SystemSamplerOptions, 'runStartUs' | 'onSample'>, count: number) {
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let seen = 0;
  const sampler = new SystemSampler({
    ...options,
    runStartUs: performance.now() * 1000,
    onSample: () => {
      if (++seen === count) resolveDone();
    },
  });
  await sampler.start();
  try {
    await done;
  } finally {
    await sampler.stop();
  }
  return { samples: sampler.samples(), notes: sampler.notes() };
}

const mean = (xs: SystemSample[], f: (s: SystemSample) => number | undefined) => xs.reduce((sum, s) => sum + (f(s) ?? 0), 0) / xs.length;

describe('SystemSampler', () => {
  it('samples the machine, the load generator and a server PID each interval, t counting from the run start', async () => {
    const { samples, notes } = await sampleN({ intervalMs: 150, serverPid: process.pid }, 3);
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(notes).toEqual([]);
    for (const s of samples) {
      expect(s.machine_cpu_percent).toBeGreaterThanOrEqual(0);
      expect(s.machine_cpu_percent).toBeLessThanOrEqual(100);
      expect(s.server_rss_bytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(s.loadgen_rss_bytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(s.loadgen_cpu_percent).toBeGreaterThanOrEqual(0);
      expect(s.server_cpu_percent).toBeGreaterThanOrEqual(0);
    }
    expect(samples[0].t).toBeGreaterThan(0.1);
    expect(samples[2].t).toBeGreaterThan(samples[1].t);
  });

  it('sees a busy child use more CPU than an idle one', async () => {
    const [busy, idle] = await Promise.all([busyChild(), idleChild()]);
    const [busySamples, idleSamples] = await Promise.all([
      sampleN({ intervalMs: 250, serverPid: busy.pid }, 3).then((r) => r.samples),
      sampleN({ intervalMs: 250, serverPid: idle.pid }, 3).then((r) => r.samples),
    ]);
    const busyCpu = mean(busySamples, (s) => s.server_cpu_percent);
    const idleCpu = mean(idleSamples, (s) => s.server_cpu_percent);
    // A spinning child gets what a loaded, shared 2-core machine leaves it: compare, don't expect 100.
    expect(busyCpu).toBeGreaterThan(5);
    expect(busyCpu).toBeGreaterThan(idleCpu * 3);
    expect(idleSamples.every((s) => (s.server_rss_bytes ?? 0) > 0)).toBe(true);
  });

  it('records nothing for a vanished PID and notes it once, without throwing', async () => {
    const child = await idleChild();
    process.kill(child.pid!, 'SIGKILL');
    await once(child, 'exit');
    const { samples, notes } = await sampleN({ intervalMs: 100, serverPid: child.pid }, 3);
    expect(samples.every((s) => s.server_rss_bytes === undefined && s.server_cpu_percent === undefined)).toBe(true);
    expect(samples.every((s) => s.loadgen_rss_bytes! > 0)).toBe(true);
    expect(notes).toEqual([`server process ${child.pid} is gone: no more server CPU/RSS samples`]);
  });

  it('notes once that there is no GPU, and samples on without GPU fields', async () => {
    const { samples, notes } = await sampleN({ intervalMs: 100, gpu: { command: '/nonexistent/nvidia-smi' } }, 2);
    expect(samples.every((s) => s.gpus === undefined)).toBe(true);
    expect(notes).toEqual(['no GPU samples: nvidia-smi not found']);
  });
});

describe('process usage readers', () => {
  it('reads this process from the OS', async () => {
    const usage = await readProcessUsage(process.pid);
    expect(usage!.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(usage!.cpuMs).toBeGreaterThan(0);
  });

  it.runIf(process.platform === 'linux')("tells the main thread's CPU from the other threads'", async () => {
    const before = await readProcessUsage(process.pid);
    // A worker thread spins 400 ms of CPU while the main thread only waits for its message.
    const worker = new Worker('const end = Date.now() + 400; while (Date.now() < end); require("node:worker_threads").parentPort.postMessage("done");', { eval: true });
    try {
      await once(worker, 'message');
    } finally {
      await worker.terminate();
    }
    const after = await readProcessUsage(process.pid);
    const whole = after!.cpuMs - before!.cpuMs;
    const main = after!.mainThreadCpuMs! - before!.mainThreadCpuMs!;
    expect(main).toBeGreaterThanOrEqual(0);
    expect(main).toBeLessThanOrEqual(whole);
    // The spin (400 ms of wall time, 10 ms ticks; less CPU on a busy machine) is counted for the
    // process and not for the main thread.
    expect(whole - main).toBeGreaterThan(150);

    // And the main thread's own spin is counted for it.
    const mainBefore = (await readProcessUsage(process.pid))!.mainThreadCpuMs!;
    const end = Date.now() + 400;
    while (Date.now() < end);
    const mainAfter = (await readProcessUsage(process.pid))!.mainThreadCpuMs!;
    expect(mainAfter - mainBefore).toBeGreaterThan(150);
  });

  it('parses /proc stat with a command name holding spaces and parentheses', () => {
    const stat = '1234 (my (weird) proc) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 75 0 0 20 0 1 0 100 1000000 300 18446744073709551615';
    expect(parseProcStatCpuTicks(stat)).toBe(325);
    expect(parseProcStatusRss('Name:\tnode\nVmPeak:\t  900 kB\nVmRSS:\t   51200 kB\n')).toBe(51200 * 1024);
    expect(parseProcStatusRss('Name:\tzombie\nState:\tZ (zombie)\n')).toBeNull();
  });

  it('parses ps cumulative CPU time', () => {
    expect(parsePsTime('0:01.50')).toBe(1500);
    expect(parsePsTime('01:02:03')).toBe((3600 + 120 + 3) * 1000);
    expect(parsePsTime('2-00:00:01')).toBe((2 * 86400 + 1) * 1000);
    expect(parsePsTime('garbage')).toBeNull();
  });
});
