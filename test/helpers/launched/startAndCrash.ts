// Starts a command target, prints its PIDs, then dies of an uncaught error: the server it
// launched must not outlive it.
import { startTarget } from '../../../src/runner/target.ts';
import { parseScenario } from '../../../src/scenario/load.ts';

const [serverScript] = process.argv.slice(2);
const scenario = parseScenario({ model: 'mlp', target: { command: [process.execPath, serverScript!, '{port}'] }, phases: [{ kind: 'steady', duration: '1s', rate: 1 }] }, 'crash.yaml', { baseDir: process.cwd() });
const target = await startTarget(scenario);
console.log(target.server!.recentLogs().find((l) => l.startsWith('pids')));
setTimeout(() => {
  throw new Error('the harness crashed');
}, 10);
