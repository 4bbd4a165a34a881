// The HTTP ceiling: a bare fastify route that parses a JSON body and answers it back.
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.post('/echo', async (request) => request.body);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (address && typeof address === 'object') process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
