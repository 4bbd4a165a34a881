// Issue 16's side by side: servebench's load generator and Triton's perf_analyzer measuring the same
// server under the same load, in one run, for servebench serve and for real Triton (the binary
// PyTriton bundles), at the same concurrency (closed loop) and the same request rate (open loop),
// binary tensors both; each figure read ROUNDS times, the tools alternating, so the spread of a
// tool's own readings (the noise) is printed next to the gap between the tools. Then the two
// servers' capacity at the same p99 bound, found by servebench's capacity search, as a ratio.
// Floors: every perf_analyzer and servebench measurement ran with zero errors. Needs
// `npm run peers:install` (triton, clients). BENCH_PEERS_ROUNDS (default 2), BENCH_PEERS_SECONDS
// (servebench's measurement, default 9 s: perf_analyzer's three stable 3 s windows),
// BENCH_PEERS_SLO (default 50ms).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { median, quantile } from '../src/analyze/stats.ts';
import { runLoad } from '../src/load/engine.ts';
import { buildPayloads, cycleRequests } from '../src/load/payload.ts';
import type { RequestTemplate } from '../src/load/types.ts';
import { startTarget } from '../src/runner/target.ts';
import { loadScenarioFile, parseScenario } from '../src/scenario/load.ts';
import type { LoadSpec, Scenario } from '../src/contract/scenario.ts';
import { probeCapacity } from '../src/soak/probe.ts';
import { capacityAtSlo } from './lib/capacity.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ROUNDS = Number(process.env.BENCH_PEERS_ROUNDS ?? 2);
const SECONDS = Number(process.env.BENCH_PEERS_SECONDS ?? 9);
const SLO = process.env.BENCH_PEERS_SLO ?? '50ms';
const CONCURRENCY = 4;
const RATE = 200;
const run = promisify(execFile);

interface Reading {
  rps: number;
  p50Us: number;
  p99Us: number;
  /** The generator's own CPU per request, µs. */
  cpuUsPerRequest: number;
  errors: number;
  /** servebench open loop: p50 and p99 counted from the actual send, as perf_analyzer counts them. */
  p50FromSendUs?: number;
  p99FromSendUs?: number;
}

type Tool = 'servebench' | 'perf_analyzer';

async function servebenchReading(origin: string, nextRequest: () => RequestTemplate, load: LoadSpec): Promise<Reading> {
  const fromIntended: number[] = [];
  const fromSend: number[] = [];
  let errors = 0;
  const cpuBefore = process.cpuUsage();
  const summary = await runLoad({
    origin,
    load,
    extent: { duration_s: SECONDS },
    nextRequest,
    timeoutMs: 10_000,
    sink: {
      record(sample) {
        if (sample.outcome !== 'ok') {
          errors++;
          return;
        }
        fromIntended.push(sample.endUs - sample.intendedUs);
        fromSend.push(sample.endUs - sample.sentUs);
      },
    },
  });
  const cpu = process.cpuUsage(cpuBefore);
  const requests = fromIntended.length + errors;
  return {
    rps: fromIntended.length / summary.elapsedSeconds,
    p50Us: quantile(fromIntended, 0.5),
    p99Us: quantile(fromIntended, 0.99),
    cpuUsPerRequest: requests > 0 ? (cpu.user + cpu.system) / requests : 0,
    errors,
    ...(load.mode === 'open' ? { p50FromSendUs: quantile(fromSend, 0.5), p99FromSendUs: quantile(fromSend, 0.99) } : {}),
  };
}

/** perf_analyzer's CSV row and its CPU time (bash's `times` for its child), per request sent. */
async function perfAnalyzerReading(hostPort: string, inputData: string, load: LoadSpec, out: string): Promise<Reading> {
  const csv = path.join(out, `pa-${Date.now()}.csv`);
  const mode = load.mode === 'closed' ? ['--concurrency-range', String(load.connections)] : ['--request-rate-range', String(load.rate), '--async'];
  const args = ['-m', 'mlp', '-u', hostPort, '-i', 'http', '--input-data', inputData, ...mode, '-p', String(Math.round((SECONDS / 3) * 1000)), '-s', '50', '-r', '8', '-f', csv];
  const started = performance.now();
  // A failed request makes perf_analyzer exit non-zero: the bench then stops with the end of its output.
  const { stderr } = await run('bash', ['-c', 'out="$("$@" 2>&1)"; status=$?; times >&2; [ $status = 0 ] || echo "perf_analyzer exited $status: $(tail -3 <<<"$out")" >&2; exit $status', 'pa', `${ROOT}/peers/clients/perf_analyzer`, ...args]).catch((err: { stderr?: string }) => {
    throw new Error(err.stderr?.trim().split('\n').at(-1) ?? String(err));
  });
  const wallS = (performance.now() - started) / 1000;
  const [user, sys] = (stderr.trim().split('\n').at(-1) ?? '').split(/\s+/).map(parseBashTime);
  const [header, row] = readFileSync(csv, 'utf8').trim().split('\n');
  const cells = Object.fromEntries(header!.split(',').map((name, i) => [name, Number(row!.split(',')[i])]));
  const rps = cells['Inferences/Second']!;
  // Its discarded warm-up and unstable windows sent requests too: CPU is divided by all it sent.
  return { rps, p50Us: cells['p50 latency']!, p99Us: cells['p99 latency']!, cpuUsPerRequest: ((user! + sys!) * 1e6) / (rps * wallS), errors: 0 };
}

/** `1m2.500s` -> 62.5 */
function parseBashTime(text: string): number {
  const match = /^(\d+)m([\d.]+)s$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
}

interface ServerRun {
  server: string;
  readings: Map<string, Reading[]>;
  capacityRps: number;
}

async function measureServer(name: string, scenario: Scenario, out: string, sloUs: number): Promise<ServerRun> {
  const target = await startTarget(scenario);
  try {
    const hostPort = new URL(target.origin).host;
    const requests = await buildPayloads({ origin: target.origin, target: { protocol: 'kserve-v2', model: 'mlp' }, payload: { encoding: 'binary', batch: 1, seed: 1, variants: 8 } });
    const nextRequest = cycleRequests(requests);
    const inputData = path.join(out, `${name}-input.json`);
    await run(`${ROOT}/.peers/clients/bin/python`, [`${ROOT}/peers/clients/make_input_data.py`, '--url', hostPort, '--model', 'mlp', '-o', inputData]);
    await probeCapacity({ origin: target.origin, nextRequest, durationS: 3, connections: 8, timeoutMs: 10_000 });
    const readings = new Map<string, Reading[]>();
    const loads: [string, LoadSpec][] = [[`closed ${CONCURRENCY}`, { mode: 'closed', connections: CONCURRENCY, pipelining: 1 }], [`open ${RATE}/s`, { mode: 'open', rate: RATE, max_in_flight: 4096 }]];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [label, load] of loads) {
        const order: Tool[] = round % 2 === 0 ? ['servebench', 'perf_analyzer'] : ['perf_analyzer', 'servebench'];
        for (const tool of order) {
          const reading = tool === 'servebench' ? await servebenchReading(target.origin, nextRequest, load) : await perfAnalyzerReading(hostPort, inputData, load, out);
          const key = `${label}|${tool}`;
          readings.set(key, [...(readings.get(key) ?? []), reading]);
          console.log(`      ${name} ${label} ${tool} round ${round + 1}: ${reading.rps.toFixed(0)} rps, p50 ${(reading.p50Us / 1000).toFixed(2)} ms, p99 ${(reading.p99Us / 1000).toFixed(2)} ms`);
        }
      }
    }
    const capacityRps = await capacityAtSlo({ origin: target.origin, nextRequest, sloP99Us: sloUs });
    console.log(`      ${name}: capacity at p99 < ${SLO}: ${capacityRps} rps`);
    return { server: name, readings, capacityRps };
  } finally {
    await target.stop();
  }
}

const ms = (us: number) => (us / 1000).toFixed(2);
/** A figure's median over rounds, with the spread of its rounds (the noise) as ±half the range in percent. */
function figure(values: number[], format: (x: number) => string): string {
  const mid = median(values);
  const spread = values.length > 1 && mid > 0 ? ((Math.max(...values) - Math.min(...values)) / 2 / mid) * 100 : 0;
  return `${format(mid)} ±${spread.toFixed(0)}%`;
}

export async function benchPeers(): Promise<boolean> {
  console.log('\n== peers: servebench vs perf_analyzer on the same server; servebench serve vs Triton ==');
  for (const venv of ['triton', 'clients']) {
    if (!existsSync(`${ROOT}/.peers/${venv}/.servebench-installed`)) {
      console.log(`  MISSING: the ${venv} peer is not installed: run \`npm run peers:install\``);
      return false;
    }
  }
  const out = mkdtempSync(path.join(tmpdir(), 'servebench-bench-peers-'));
  const sloUs = Number(/^(\d+)ms$/.exec(SLO)?.[1] ?? 50) * 1000;
  const batching = { max_batch_size: 16, max_batch_delay_us: 1000 };
  const embedded = parseScenario({ model: 'mlp', target: { server: { workers: 1, ...batching } }, phases: [{ kind: 'steady', duration: '1s' }] }, 'bench-peers.yaml');
  const { scenario: triton } = await loadScenarioFile(`${ROOT}/scenarios/peers/triton.yaml`);
  console.log(`  mlp, binary tensors, both servers batching up to 16 rows with a 1 ms delay, one model instance; ${ROUNDS} rounds, ${SECONDS} s per servebench reading`);
  const runs: ServerRun[] = [];
  let ok = true;
  for (const [name, scenario] of [['servebench serve', embedded], ['Triton 2.51', triton]] as const) {
    try {
      runs.push(await measureServer(name, scenario, out, sloUs));
    } catch (err) {
      console.log(`  FAIL ${name}: ${(err as Error).message}`);
      ok = false;
    }
  }
  console.log('\n  server            load        tool            throughput        p50               p99               generator CPU/request');
  for (const r of runs) {
    for (const [key, readings] of r.readings) {
      const [label, tool] = key.split('|');
      if (readings.some((x) => x.errors > 0)) ok = false;
      const extra = readings[0]!.p99FromSendUs !== undefined ? `   (from the actual send: p50 ${figure(readings.map((x) => x.p50FromSendUs!), ms)} ms, p99 ${figure(readings.map((x) => x.p99FromSendUs!), ms)} ms)` : '';
      console.log(`  ${r.server.padEnd(17)} ${label!.padEnd(11)} ${tool!.padEnd(15)} ${figure(readings.map((x) => x.rps), (x) => `${x.toFixed(0)} rps`).padEnd(17)} ${figure(readings.map((x) => x.p50Us), ms).padEnd(14)} ms ${figure(readings.map((x) => x.p99Us), ms).padEnd(14)} ms ${figure(readings.map((x) => x.cpuUsPerRequest), (x) => x.toFixed(0)).padStart(8)} µs${extra}`);
    }
  }
  const [ours, theirs] = runs;
  if (ours && theirs) {
    const ratio = theirs.capacityRps > 0 ? ours.capacityRps / theirs.capacityRps : Number.POSITIVE_INFINITY;
    console.log(`\n  capacity at p99 < ${SLO} (servebench's open-loop search, same machine): servebench serve ${ours.capacityRps} rps, Triton ${theirs.capacityRps} rps: ${ratio.toFixed(2)}x`);
  }
  console.log(`  ${ok ? 'PASS' : 'FAIL'}: every measurement of both tools ran with zero errors`);
  rmSync(out, { recursive: true, force: true });
  return ok;
}
