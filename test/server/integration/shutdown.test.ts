// SIGTERM under load: readiness drops at once, accepted requests all complete, later ones are
// refused (503 or connection refused), and the process exits 0 within its drain deadline.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../../helpers/servers.ts';

let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.kill();
  server = undefined;
});

function waitForLines(lines: string[], stream: NodeJS.ReadableStream, pattern: RegExp, count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (lines.filter((l) => pattern.test(l)).length >= count) {
        stream.off('data', onData);
        resolve();
      }
    };
    // The line collector runs on the same stream; re-check after it has pushed.
    const onData = () => setImmediate(check);
    stream.on('data', onData);
    check();
  });
}

const body = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 784], data: new Array(784).fill(0.25) }] });
const infer = (url: string) =>
  fetch(`${url}/v2/models/mlp/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
    (res) => res.status,
    (err: Error) => `error:${(err.cause as NodeJS.ErrnoException | undefined)?.code ?? err.message}`,
  );

describe('graceful shutdown', () => {
  it('completes every request accepted before SIGTERM and exits 0', async () => {
    server = await spawnServer(['--load-models', 'mlp', '--workers', '2', '--fault-latency-ms', '400', '--access-log', 'true', '--drain-timeout-ms', '10000']);
    const accepted = Array.from({ length: 24 }, () => infer(server!.url));
    // Every request is accepted once the server has logged it (access log, one line per request).
    await waitForLines(server.stderr, server.child.stderr!, /incoming request/, 24);
    const signalledAt = performance.now();
    server.child.kill('SIGTERM');
    await waitForLines(server.stdout, server.child.stdout!, /SIGTERM received/, 1);

    const ready = await fetch(`${server.url}/v2/health/ready`).then((r) => r.status, () => 'refused');
    const late = await infer(server.url);
    expect([503, 'refused']).toContain(ready);
    expect([503, 'error:ECONNREFUSED', 'error:ECONNRESET', 'error:UND_ERR_SOCKET']).toContain(late);

    expect(await Promise.all(accepted)).toEqual(new Array(24).fill(200));
    const { code } = await server.exited;
    expect(code).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(10_000);
  });

  it('forces exit on a second signal', async () => {
    server = await spawnServer(['--load-models', 'mlp', '--fault-latency-ms', '20000', '--access-log', 'true', '--drain-timeout-ms', '30000']);
    const pending = infer(server.url);
    await waitForLines(server.stderr, server.child.stderr!, /incoming request/, 1);
    server.child.kill('SIGTERM');
    await waitForLines(server.stdout, server.child.stdout!, /SIGTERM received/, 1);
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    expect(code).toBe(130);
    expect(String(await pending)).toMatch(/^error:/);
  });
});
