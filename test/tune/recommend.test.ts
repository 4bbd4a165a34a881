import { describe, expect, it } from 'vitest';
import type { EnvironmentInfo } from '../../src/contract/results.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { recommend } from '../../src/tune/recommend.ts';
import { DEFAULT_SERVING_CONFIG, type ServingConfig } from '../../src/serving/knobs.ts';
import { parseSweepSection } from '../../src/tune/sweepSection.ts';
import type { TrialRecord } from '../../src/tune/trialRecord.ts';
import { assembleTuneResults, tuneExitCode } from '../../src/tune/tuneResults.ts';

const spec = parseSweepSection({ strategy: 'grid', knobs: { max_batch_size: [0, 16], max_batch_delay_us: [0, 2000] }, slo: ['p99 < 50ms', 'error_rate < 1%'] }, 'test.yaml');
const cfg = (b: number, d: number): ServingConfig => ({ ...DEFAULT_SERVING_CONFIG, max_batch_size: b, max_batch_delay_us: d });

let n = 0;
function trial(config: ServingConfig, capacity: number, p99Ms: number): TrialRecord {
  return {
    index: n++, config, reason: 'grid', started_at: new Date(0).toISOString(), duration_s: 10, capacity_rps: capacity, score: capacity,
    p50_us: 1000, p99_us: p99Ms * 1000, error_rate: 0, throughput_rps: capacity, stop: 'converged',
    points: [{ rate: capacity, throughput_rps: capacity, p50_us: 1000, p99_us: p99Ms * 1000, error_rate: 0, passed: true }],
    server_rss_bytes: 200 * 2 ** 20, server_cpu_percent: 150, warnings: [],
  };
}

// Batching 16 with no delay clearly best; a 2 ms delay costs capacity and p99.
const records = [trial(cfg(0, 0), 600, 20), trial(cfg(16, 0), 1500, 25), trial(cfg(16, 2000), 1100, 40), trial(cfg(16, 0), 1560, 24), trial(cfg(0, 0), 620, 19)];

describe('the recommendation', () => {
  const atLoad = [0.5, 0.8, 1].map((share) => ({ share, rate: 1530 * share, p50_us: 900, p99_us: 5000 * share, error_rate: 0, throughput_rps: 1530 * share, server_rss_bytes: 210 * 2 ** 20, server_cpu_percent: 170 }));
  const { recommendation, file, chosen, exports } = recommend({ runId: 'r', records, spec, base: DEFAULT_SERVING_CONFIG, baseIsDefault: true, model: 'mlp', atLoad, targetRps: 10_000, headroom: 0.3 });

  it('chooses the best configuration and reports its capacity with the spread over its runs', () => {
    expect(chosen).toMatchObject({ max_batch_size: 16, max_batch_delay_us: 0 });
    expect(recommendation.capacity_rps).toBe(1530);
    expect(file.capacity_spread).toEqual({ median: 1530, min: 1500, max: 1560, runs: [1500, 1560] });
    expect(recommendation.runner_up).toMatchObject({ capacity_rps: 1100 });
    expect(recommendation.overlap).toBe(false);
    expect(file.default_capacity_rps).toBe(610);
  });

  it('reports a median capacity to the hundredth of a request per second, without float residue', () => {
    const two = [trial(cfg(0, 0), 2200, 20), trial(cfg(16, 0), 4061.75, 25), trial(cfg(16, 0), 4351.88, 24)];
    const r = recommend({ runId: 'r', records: two, spec, base: DEFAULT_SERVING_CONFIG, model: 'mlp' });
    expect(r.recommendation.capacity_rps).toBe(4206.82); // (4061.75 + 4351.88) / 2 = 4206.8150000000005 in floating point
    expect(r.file.capacity_spread.median).toBe(4206.82);
  });

  it('says why in plain words, with the gain over the default and what the delay did', () => {
    expect(recommendation.reason).toMatch(/batch 16 raised capacity 2\.5x over the base configuration \(610 -> 1530 rps\)/);
    expect(file.why.some((l) => /delay 2 ms instead of no delay: -28% capacity/.test(l))).toBe(true);
  });

  it('carries latency at 50/80/100% of capacity, usage at capacity, and replicas for a target rate', () => {
    expect(recommendation.at_load.map((a) => a.share)).toEqual([0.5, 0.8, 1]);
    expect(recommendation.server_rss_bytes).toBe(210 * 2 ** 20);
    // 10000 / (1530 * 0.7) = 9.34 -> 10 replicas.
    expect(recommendation.replicas).toMatchObject({ target_rps: 10_000, headroom: 0.3, replicas: 10 });
    expect(recommendation.replicas!.note).toMatch(/untuned/);
  });

  it('names the event loop as the limit when the main thread was near a full core at capacity, and only then', () => {
    expect(file.why.some((l) => /main thread/.test(l))).toBe(false); // not measured above
    const atShare = (main: number) => atLoad.map((a) => ({ ...a, server_main_thread_cpu_percent: a.share === 1 ? main : 20 }));
    const bound = recommend({ runId: 'r', records, spec, base: DEFAULT_SERVING_CONFIG, baseIsDefault: true, model: 'mlp', atLoad: atShare(93) });
    expect(bound.recommendation.server_main_thread_cpu_percent).toBe(93);
    expect(bound.file.why.at(-1)).toMatch(/main thread \(HTTP, decoding, batching\) was busy 93% of one core \(the whole server: 170%\): the request path, not inference, is likely the limit/);
    const notBound = recommend({ runId: 'r', records, spec, base: DEFAULT_SERVING_CONFIG, baseIsDefault: true, model: 'mlp', atLoad: atShare(60) });
    expect(notBound.recommendation.server_main_thread_cpu_percent).toBe(60);
    expect(notBound.file.why.some((l) => /main thread/.test(l))).toBe(false);
  });

  it('does not plan on a capacity its closing checks broke: the highest share that held the SLO is the figure', () => {
    expect(recommendation.verified_capacity_rps).toBeUndefined(); // every check above held p99 < 50 ms
    // At 80% p99 113 ms: the capacity from the short search steps did not hold.
    const shaky = [0.5, 0.8, 1].map((share) => ({ share, rate: 1530 * share, p50_us: 2000, p99_us: share === 0.5 ? 34_000 : share === 0.8 ? 113_000 : 1_300_000, error_rate: 0, throughput_rps: 1530 * share }));
    const r = recommend({ runId: 'r', records, spec, base: DEFAULT_SERVING_CONFIG, baseIsDefault: true, model: 'mlp', atLoad: shaky, targetRps: 10_000, headroom: 0.3 }).recommendation;
    expect(r.capacity_rps).toBe(1530);
    expect(r.verified_capacity_rps).toBe(765);
    expect(r.verification).toMatch(/did not confirm 1530 rps: at 80% of it \(1224 rps\) p99 113 ms \(SLO 50 ms\); it held up to 765 rps/);
    expect(r.reason).toMatch(/Caution: the closing checks did not confirm/);
    // 10000 / (765 * 0.7) = 18.7 -> 19 replicas, not the 10 the unconfirmed capacity gives.
    expect(r.replicas!.replicas).toBe(19);
    expect(r.replicas!.note).toMatch(/19 replicas at 69% of the verified capacity \(765 rps\)/);
    // Errors break it too, and a first share that breaks leaves nothing verified.
    const failing = shaky.map((c) => ({ ...c, p99_us: 1000, error_rate: 0.05 }));
    const none = recommend({ runId: 'r', records, spec, base: DEFAULT_SERVING_CONFIG, model: 'mlp', atLoad: failing, targetRps: 10_000 }).recommendation;
    expect(none.verified_capacity_rps).toBe(0);
    expect(none.replicas).toBeUndefined(); // nothing verified to plan on
    // A break below a share that held is noise: the capacity was confirmed at the higher share.
    const noisy = shaky.map((c) => ({ ...c, p99_us: c.share === 0.8 ? 53_000 : 30_000 }));
    expect(recommend({ runId: 'r', records, spec, base: DEFAULT_SERVING_CONFIG, model: 'mlp', atLoad: noisy }).recommendation.verification).toBeUndefined();
    // A check exactly at the limit holds it, as a search step does.
    const atLimit = shaky.map((c) => ({ ...c, p99_us: 50_000 }));
    expect(recommend({ runId: 'r', records, spec, base: DEFAULT_SERVING_CONFIG, model: 'mlp', atLoad: atLimit }).recommendation.verification).toBeUndefined();
    expect(none.verification).toMatch(/at 50% of it \(765 rps\) error rate 5% \(SLO 1%\); no checked share held the SLO/);
  });

  it('exports the choice as servebench, TorchServe and Triton configs', () => {
    expect(Object.keys(exports).sort()).toEqual(['config.pbtxt', 'config.properties', 'servebench.yaml']);
    expect(exports['servebench.yaml']).toMatch(/max_batch_size: 16/);
    expect(exports['config.properties']).toMatch(/"batchSize": 16/);
    expect(exports['config.pbtxt']).toMatch(/max_batch_size: 16/);
  });
});

describe('results.json of a tuning run', () => {
  const scenario = parseScenario({ model: 'mlp', phases: [{ kind: 'steady', duration: '1s' }], sweep: { knobs: { max_batch_size: [0, 16] } } }, 'test.yaml');
  const environment = { hostname: 'h', os: 'linux', cpu_model: 'x', cores: 2, memory_bytes: 1, node: 'v20', onnxruntime: '1', servebench: '0', gpus: [] } satisfies EnvironmentInfo;
  const { recommendation } = recommend({ runId: 'r', records, spec, base: DEFAULT_SERVING_CONFIG, model: 'mlp' });
  const results = assembleTuneResults({
    runId: 'r', startedAt: new Date(0), scenario, spec, target: { kind: 'embedded', url: 'http://127.0.0.1:1', protocol: 'kserve-v2', model: 'mlp' },
    environment, records, phases: [], rows: [], recommendation, defaultCapacityRps: 610, warnings: [], notes: [],
  });

  it('holds every trial, with the runs of a repeated configuration, and the recommendation', () => {
    expect(results.sweep!.trials).toHaveLength(5);
    expect(results.sweep!.trials[1]).toMatchObject({ capacity_rps: 1500, repeats: [1500, 1560] });
    expect(results.sweep!.trials[2].repeats).toBeUndefined();
    expect(results.sweep!.knobs).toEqual({ max_batch_size: [0, 16], max_batch_delay_us: [0, 2000] });
    expect(results.sweep!.slo).toEqual({ p99_us: 50_000, error_rate: 0.01 });
    expect(results.sweep!.recommendation!.capacity_rps).toBe(1530);
    expect(results.exit_code).toBe(0);
  });

  it('exits 1 when no configuration met the SLO and 2 when the run could not finish', () => {
    expect(tuneExitCode({ recommendation: { ...recommendation, capacity_rps: 0 } })).toBe(1);
    expect(tuneExitCode({ recommendation, error: 'server died' })).toBe(2);
    expect(tuneExitCode({})).toBe(2);
  });
});
