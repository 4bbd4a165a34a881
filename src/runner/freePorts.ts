// Free loopback ports for a launched server's {port} placeholders: bind port 0, read what the
// kernel gave, close. Another process may take one before the server binds it; the server then
// fails to start and says so, which the start error shows.
import { createServer } from 'node:net';

/** `count` distinct free ports (held open together, so the kernel cannot hand out one twice). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => listening()));
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function listening(): Promise<ReturnType<typeof createServer>> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
