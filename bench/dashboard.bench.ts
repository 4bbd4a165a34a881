// Issue 5's benchmark: does the live dashboard cost the load generator? The same closed-loop load
// against a trivial endpoint, with the runner's recorder and per-second snapshots, once with no
// view and once with the dashboard drawing into a fake terminal, side by side in one run.
// Floor: the generator's rate with the dashboard >= 95% of its rate without.
// Snapshots go out once a second, as the runner sends them (BENCH_DASHBOARD_HZ=4 drives the
// dashboard at its throttle's ceiling instead). Rounds alternate; each side keeps its best round
// (interference on a shared machine only ever slows a side down), and the generator's own CPU time
// per request is printed beside it: other processes barely move that number.
import { PassThrough, Writable } from 'node:stream';
import { runLoad } from '../src/load/engine.ts';
import { LatencyRecorder } from '../src/measure/latencyRecorder.ts';
import type { RunEvent } from '../src/contract/events.ts';
import type { Phase } from '../src/contract/scenario.ts';
import type { LiveView } from '../src/ui/liveView.ts';
import { spawnListening } from './lib/processes.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = 32;
const SNAPSHOTS_PER_SECOND = Number(process.env.BENCH_DASHBOARD_HZ ?? 1);
const FLOOR = 0.95;

const OK_SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }).end('ok')); });
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write('listening on http://127.0.0.1:' + server.address().port + '\\n'));
process.on('SIGTERM', () => { server.closeAllConnections(); server.close(() => process.exit(0)); });
`;

/** A terminal that draws nowhere: ink sees a TTY of 120x40 and writes its frames into the void. */
class NullTerminal extends Writable {
  isTTY = true;
  columns = 120;
  rows = 40;
  frames = 0;
  bytes = 0;
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.frames += 1;
    this.bytes += chunk.length;
    callback();
  }
}

const LOAD = { mode: 'closed', connections: CONNECTIONS, pipelining: 1 } as const;
const PHASE: Phase = { kind: 'steady', name: 'bench', duration_s: SECONDS, thresholds: [], load: LOAD };

interface Round {
  rps: number;
  /** The generator process's CPU time per request (µs): what a redraw would add to, whatever else the machine runs. */
  cpuUsPerRequest: number;
  frames?: number;
}

/** One measurement, as the runner does it: recorder as the sink, snapshots emitted while the load runs. */
async function measure(origin: string, view: LiveView | undefined): Promise<Round> {
  const runStartUs = performance.now() * 1000;
  const emit = (event: RunEvent) => view?.onEvent(event);
  emit({ type: 'run-start', scenario: 'bench', target: origin, model: 'ok', phases: [{ name: 'bench', kind: 'steady', plannedSeconds: SECONDS }] });
  emit({ type: 'phase-start', index: 0, total: 1, phase: PHASE, plannedSeconds: SECONDS, atS: 0 });
  const recorder = new LatencyRecorder({ phase: 'bench', runStartUs, phaseStartUs: runStartUs });
  const ticker = setInterval(() => {
    const snap = recorder.snapshot();
    if (!snap.last) return;
    emit({ type: 'second', atS: (performance.now() * 1000 - runStartUs) / 1e6, phase: 'bench', row: snap.last, phaseLatency: snap.latency_us, phaseOk: snap.ok, phaseRequests: snap.sent, system: { t: 0, server_cpu_percent: 50, server_rss_bytes: 100e6 } });
  }, 1000 / SNAPSHOTS_PER_SECOND);
  const template = { method: 'GET' as const, path: '/', headers: {}, body: Buffer.alloc(0), requestClass: 'valid' };
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    await runLoad({ origin, load: LOAD, extent: { duration_s: SECONDS }, nextRequest: () => template, timeoutMs: 10_000, sink: recorder });
  } finally {
    clearInterval(ticker);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const ok = recorder.phaseSummary().requests.ok;
  return { rps: ok / seconds, cpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, ok) };
}

async function withDashboard(origin: string): Promise<Round> {
  // ink decides "am I in CI" when it loads: this measures the terminal path, which CI never takes.
  const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  const { startLiveView } = await import('../src/ui/liveView.ts');
  for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  const terminal = new NullTerminal();
  const stdin = new PassThrough() as unknown as NodeJS.ReadStream; // not a TTY: no raw mode taken
  const view = await startLiveView({ command: 'run', flags: new Set(), onStop: () => {}, io: { stdout: terminal as unknown as NodeJS.WriteStream, stderr: terminal as unknown as NodeJS.WriteStream, stdin, env: {} }, signals: null });
  if (view.mode !== 'dashboard') throw new Error(`expected the dashboard, got ${view.mode}`);
  const framesBefore = terminal.frames;
  try {
    const round = await measure(origin, view);
    return { ...round, frames: terminal.frames - framesBefore };
  } finally {
    await view.stop();
  }
}

export async function benchDashboard(): Promise<boolean> {
  console.log(`\n## Dashboard cost (issue 5): ${SECONDS}s closed loop, ${CONNECTIONS} connections, loopback node:http "ok", best of ${ROUNDS} alternating rounds; ${SNAPSHOTS_PER_SECOND} snapshot(s)/s, redraws throttled to <= 4/s\n`);
  const server = await spawnListening(['-e', OK_SERVER]);
  try {
    // Warm both paths (JIT, sockets, ink's first load) before measuring.
    await measure(server.url, undefined);
    await withDashboard(server.url);
    const off: Round[] = [];
    const on: Round[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which side goes first, so a slow spell does not always land on the same side.
      if (round % 2 === 0) {
        off.push(await measure(server.url, undefined));
        on.push(await withDashboard(server.url));
      } else {
        on.push(await withDashboard(server.url));
        off.push(await measure(server.url, undefined));
      }
    }
    const bestOff = Math.max(...off.map((r) => r.rps));
    const bestOn = Math.max(...on.map((r) => r.rps));
    const ratio = bestOn / bestOff;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const cpuOff = median(off.map((r) => r.cpuUsPerRequest));
    const cpuOn = median(on.map((r) => r.cpuUsPerRequest));
    console.log('| generator | best req/s | every round | median CPU µs/request | terminal writes per round |\n|---|---:|---|---:|---|');
    console.log(`| dashboard off | ${bestOff.toFixed(0)} | ${off.map((r) => r.rps.toFixed(0)).join(', ')} | ${cpuOff.toFixed(1)} | |`);
    console.log(`| dashboard on | ${bestOn.toFixed(0)} | ${on.map((r) => r.rps.toFixed(0)).join(', ')} | ${cpuOn.toFixed(1)} | ${on.map((r) => r.frames).join(', ')} |`);
    console.log(`\ndashboard on / off: ${(ratio * 100).toFixed(1)}% of the rate (difference ${((1 - ratio) * 100).toFixed(1)}%; floor: difference <= ${((1 - FLOOR) * 100).toFixed(0)}%)`);
    console.log(`CPU per request on / off: ${((cpuOn / cpuOff) * 100).toFixed(1)}% (the generator's own CPU time: insensitive to other processes on the machine)`);
    if (ratio < FLOOR) {
      console.log('FLOOR MISSED: the dashboard costs the generator more than 5%');
      return false;
    }
    return true;
  } finally {
    await server.stop();
  }
}

// Run alone: `npx tsx bench/dashboard.bench.ts`.
if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await benchDashboard()) ? 0 : 1;
