// A stand-in "external server" for command-target tests: it serves readiness on the port it is
// given, spawns a helper process of its own (as Triton and TorchServe do) and reports both PIDs.
// On SIGTERM it exits without stopping its helper: the harness must clean up the whole group.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const helper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
const server = createServer((req, res) => {
  res.statusCode = req.url === '/v2/models/mlp/ready' ? 200 : 404;
  res.end();
});
server.listen(port, '127.0.0.1', () => console.log(`pids ${process.pid} ${helper.pid} tmp ${process.env.SCRATCH ?? ''}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
