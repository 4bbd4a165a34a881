// Real Triton, TorchServe and MLServer, each launched on 127.0.0.1 by its scenario under
// scenarios/peers/, driven by `servebench run` through a closed loop, an open loop, a malformed
// phase and a SIGTERM under load, and stopped. What each fault phase shows is a finding about that
// server (docs/peers.md), so the checks here are that every phase ran and was measured and judged,
// and that the server's own metrics were read.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/contract/results.ts';
import { runScenario } from '../../src/runner/run.ts';
import { loadScenarioFile, parseScenario, parseScenarioText } from '../../src/scenario/load.ts';
import { REPO_ROOT } from '../helpers/servers.ts';
import { requirePeer, type PeerName } from './installed.ts';

async function runPeer(peer: Exclude<PeerName, 'clients'>): Promise<RunResults> {
  requirePeer(peer);
  const { scenario } = await loadScenarioFile(`${REPO_ROOT}scenarios/peers/${peer}.yaml`);
  const results = await runScenario(scenario, { runId: `test-peer-${peer}` });
  // The verdicts go to the log: they are what docs/peers.md records for this server.
  console.log(`${peer}: ${results.verdicts.map((v) => `${v.passed ? 'PASS' : 'FAIL'} ${v.kind}: ${v.summary}`).join('\n  ')}`);
  return results;
}

function expectMeasuredRun(results: RunResults, source: string): void {
  expect(results.error).toBeUndefined();
  expect(results.target.kind).toBe('command');
  expect(results.target.startup_ms).toHaveLength(1);
  const phase = (name: string) => results.phases.find((p) => p.name === name)!;
  for (const name of ['closed-4', 'open-100']) {
    const p = phase(name);
    // Valid traffic in the steady phases is answered, every request of it.
    expect(p.requests.ok, `${name}: ${JSON.stringify(p.requests.outcomes)}`).toBe(p.requests.completed);
    expect(p.requests.ok).toBeGreaterThan(100);
    expect(p.server?.source, `${name}: the server's own metrics`).toBe(source);
  }
  expect(phase('open-100').throughput_rps).toBeGreaterThan(80);
  const malformed = phase('malformed');
  expect(malformed.verdict?.kind).toBe('malformed');
  expect((malformed.verdict!.details as { malformed_total: number }).malformed_total).toBeGreaterThan(20);
  const shutdown = phase('shutdown').verdict!;
  expect(shutdown.kind).toBe('shutdown');
  const details = shutdown.details as { before: Record<string, number>; exit_code: number | null };
  expect(details.before.ok).toBeGreaterThan(50);
  // The server was signalled and exited (with whatever code it exits with).
  expect(details.exit_code).not.toBeNull();
  expect(results.system.some((s) => (s.server_cpu_percent ?? 0) > 0)).toBe(true);
}

describe('real peers under servebench run', { timeout: 300_000 }, () => {
  it('Triton (PyTriton\'s tritonserver, dynamic batcher)', async () => {
    const results = await runPeer('triton');
    expectMeasuredRun(results, 'triton');
    const closed = results.phases.find((p) => p.name === 'closed-4')!;
    // Four clients against a dynamic batcher: some executions carried more than one request.
    expect(closed.server!.batch_size_mean).toBeGreaterThan(1);
    expect(closed.server!.queue_mean_us).toBeGreaterThan(0);
  });

  it('TorchServe (Java frontend, Python worker, batch_size 8)', async () => {
    const results = await runPeer('torchserve');
    expectMeasuredRun(results, 'torchserve');
    // The handler answers every malformed body of the corpus with a 400 of its own.
    expect(results.verdicts.find((v) => v.kind === 'malformed')!.passed).toBe(true);
  });

  it('MLServer (adaptive batching, a parallel worker)', async () => {
    const results = await runPeer('mlserver');
    expectMeasuredRun(results, 'mlserver');
    expect(results.phases.find((p) => p.name === 'closed-4')!.server!.batch_size_mean).toBeGreaterThan(1);
  });
});

describe('real peers serve cnn from the same ONNX file', { timeout: 300_000 }, () => {
  it.each(['triton', 'torchserve', 'mlserver'] as const)('%s', async (peer) => {
    requirePeer(peer);
    const file = `${REPO_ROOT}scenarios/peers/${peer}.yaml`;
    const { data } = parseScenarioText(await readFile(file, 'utf8'), file);
    const payload = peer === 'torchserve' ? { payload: { fixture: '../../fixtures/payloads/torchserve-cnn.jsonl' } } : {};
    const scenario = parseScenario({ ...(data as object), name: `${peer}-cnn`, model: 'cnn', phases: [{ kind: 'steady', duration: '3s', connections: 2 }], ...payload }, file, { baseDir: path.dirname(file) });
    const results = await runScenario(scenario, { runId: `test-peer-${peer}-cnn` });
    expect(results.error).toBeUndefined();
    const steady = results.phases[0]!;
    expect(steady.requests.ok, JSON.stringify(steady.requests.outcomes)).toBe(steady.requests.completed);
    expect(steady.requests.ok).toBeGreaterThan(10);
  });
});
