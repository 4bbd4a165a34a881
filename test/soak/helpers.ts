// Shared by the soak integration tests: a scenario for the embedded mlp, optionally leaking.
import { parseScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/contract/scenario.ts';
import { MODELS_DIR } from '../helpers/servers.ts';

export function embeddedScenario(name: string, server: Record<string, number | string> = {}): Scenario {
  return parseScenario({
    name,
    target: { kind: 'embedded', models_dir: MODELS_DIR, server: { workers: 1, max_batch_size: 16, max_batch_delay_us: 1000, log_level: 'warn', ...server } },
    model: 'mlp',
    phases: [{ kind: 'steady', duration: '1s', rate: 10 }],
  }, `${name}.yaml`);
}

/**
 * The shortened proof's soak: 30 s at 25/s, sampled every second, the first 12 s warm-up. A low
 * rate and a large leak per request, so that a CPU-starved shared machine still completes the
 * requests smoothly (at hundreds per second it answers in bursts, and a leak's RSS becomes a
 * staircase whose fit is wide). Healthy, RSS after the warm-up moves well under 1 GB/h here (V8's
 * old generation climbs between major GCs); leaking 1 MiB x 25/s is ~94 GB/h. The rss_slope limit,
 * 10 GB/h, sits an order of magnitude from each. p99 on a shared machine is left loose.
 */
export const TEST_SETTINGS = { duration_s: 30, interval_s: 1, warmup_s: 12, rate: 25, thresholds: ['rss_slope < 10GB/h', 'p99_drift < 1000%'] };

/** Bytes the leaking server retains per request in leak.test.ts. */
export const TEST_LEAK_BYTES = 1024 * 1024;
