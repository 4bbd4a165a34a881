// One rate step against a real server on loopback: the server's CPU is read around it, and its
// main thread's share only when that thread is an event loop running the request path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPayloads, cycleRequests } from '../../src/load/payload.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import type { RunningServer } from '../../src/server/server.ts';
import { measureRate, type StepContext } from '../../src/tune/rateStep.ts';
import { startTestServer } from '../helpers/servers.ts';

let server: RunningServer;
let context: Omit<StepContext, 'mainThreadIsEventLoop'>;

beforeAll(async () => {
  server = await startTestServer({ load_models: 'mlp' });
  const scenario = parseScenario({ model: 'mlp', target: { url: server.url }, phases: [{ kind: 'steady', duration: '1s' }] }, 'step.yaml');
  const requests = await buildPayloads({ origin: server.url, target: { protocol: 'kserve-v2', model: 'mlp' }, payload: scenario.payload, timeoutMs: 5000 });
  // The server runs in this process: its PID is ours.
  context = { origin: server.url, nextRequest: cycleRequests(requests), timeoutMs: 5000, maxInFlight: 64, serverPid: process.pid, runStartUs: performance.now() * 1000 };
});
afterAll(async () => {
  await server?.shutdown('test over');
});

describe.runIf(process.platform === 'linux')('measureRate', () => {
  it("reads the main thread's CPU for servebench's own server, and not for a server whose main thread is a bystander", async () => {
    const own = await measureRate({ ...context, mainThreadIsEventLoop: true }, 200, 0.5, 'own');
    expect(own.measured.requests.ok).toBeGreaterThan(50);
    expect(own.serverCpuPercent!).toBeGreaterThan(0);
    expect(own.serverMainThreadCpuPercent!).toBeGreaterThan(0);
    expect(own.serverMainThreadCpuPercent!).toBeLessThanOrEqual(own.serverCpuPercent! + 1);

    const other = await measureRate({ ...context, mainThreadIsEventLoop: false }, 200, 0.5, 'other');
    expect(other.serverCpuPercent!).toBeGreaterThan(0);
    expect(other.serverMainThreadCpuPercent).toBeUndefined();
  });
});
