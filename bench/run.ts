// `npm run bench`: every benchmark, each printing ratios measured side by side in this one run.
// BENCH_ONLY=server picks one; BENCH_SECONDS sets the length of each measurement.
import { benchAgents } from './agents.bench.ts';
import { benchDashboard } from './dashboard.bench.ts';
import { benchGate } from './gate.bench.ts';
import { benchGenerator } from './generator.bench.ts';
import { benchModelAnalyzer } from './modelAnalyzer.bench.ts';
import { benchModelLoad } from './modelLoad.bench.ts';
import { benchPeers } from './peers.bench.ts';
import { benchSoak } from './soak.bench.ts';
import { benchTune } from './tune.bench.ts';
import { benchTunePeers } from './tunePeers.bench.ts';
import { benchServer } from './server.bench.ts';

const BENCHES: Record<string, () => Promise<boolean>> = { server: benchServer, generator: benchGenerator, dashboard: benchDashboard, tune: benchTune, gate: benchGate, soak: benchSoak, peers: benchPeers, 'tune-peers': benchTunePeers, 'model-analyzer': benchModelAnalyzer, 'model-load': benchModelLoad, agents: benchAgents };
const only = process.env.BENCH_ONLY?.split(',');
let allOk = true;
for (const [name, bench] of Object.entries(BENCHES)) {
  if (only && !only.includes(name)) continue;
  allOk = (await bench()) && allOk;
}
console.log(allOk ? '\nAll benchmark floors met.' : '\nSome benchmark floors were missed (see above).');
process.exitCode = allOk ? 0 : 1;
