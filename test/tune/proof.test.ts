// The proof of an exported config: when two capacity searches of one configuration agree, and what
// the recommendation says when they do not (or the server ran something else than the file said).
import { describe, expect, it } from 'vitest';
import { exportProof, failedProof, judgeProof } from '../../src/tune/proof.ts';
import { recommend } from '../../src/tune/recommend.ts';
import { DEFAULT_SERVING_CONFIG, type ServingConfig } from '../../src/serving/knobs.ts';
import { parseSweepSection } from '../../src/tune/sweepSection.ts';
import type { TrialRecord } from '../../src/tune/trialRecord.ts';

const spec = parseSweepSection({ strategy: 'grid', knobs: { max_batch_size: [0, 16] }, slo: ['p99 < 50ms'], precision: '10%' }, 'test.yaml');
const batched: ServingConfig = { ...DEFAULT_SERVING_CONFIG, max_batch_size: 16, max_batch_delay_us: 1000 };

function record(config: ServingConfig, capacity: number, index = 0): TrialRecord {
  return {
    index, config, reason: 'grid', started_at: new Date(0).toISOString(), duration_s: 5, capacity_rps: capacity, score: capacity,
    p50_us: 1000, p99_us: 20_000, error_rate: 0, throughput_rps: capacity, stop: 'converged',
    points: [{ rate: capacity, throughput_rps: capacity, p50_us: 1000, p99_us: 20_000, error_rate: 0, passed: true }], warnings: [],
  };
}

describe('judging a re-measured capacity', () => {
  it('allows the search precision plus two standard errors of two measurements', () => {
    // 10% precision, 5% noise: 0.1 + 2 * 0.05 * sqrt(2) = 0.241.
    expect(judgeProof(1000, 1000, 0.05, 0.1)).toEqual({ ratio: 1, tolerance: 0.241, agrees: true });
    expect(judgeProof(1000, 1240, 0.05, 0.1).agrees).toBe(true);
    expect(judgeProof(1000, 1250, 0.05, 0.1).agrees).toBe(false);
    expect(judgeProof(1000, 806, 0.05, 0.1).agrees).toBe(true);
    expect(judgeProof(1000, 800, 0.05, 0.1)).toMatchObject({ ratio: 0.8, agrees: false });
    expect(judgeProof(0, 500, 0.05, 0.1).agrees).toBe(false);
  });

  it('does not agree when the server runs another configuration than the file gives, whatever it measured', () => {
    const proof = exportProof({ file: 'config.properties', chosen: batched, searchCapacityRps: 1000, noise: 0.05, precision: 0.1, record: record(DEFAULT_SERVING_CONFIG, 1000), effective: { workers: 1, max_batch_size: 0, max_batch_delay_us: 1000 } });
    expect(proof).toMatchObject({ ratio: 1, agrees: false, not_applied: ['max_batch_size 16 (server: 0)'] });
  });
});

describe('the recommendation with a proof', () => {
  const records = [record(DEFAULT_SERVING_CONFIG, 300, 0), record(batched, 1200, 1)];
  const base = { runId: 'r', records, spec, base: DEFAULT_SERVING_CONFIG, baseIsDefault: true, model: 'mlp' };

  it('records it and says why it agrees', () => {
    const proof = exportProof({ file: 'config.pbtxt', chosen: batched, searchCapacityRps: 1200, noise: 0.05, precision: 0.1, record: record(batched, 1150), effective: { workers: 1, max_batch_size: 16, max_batch_delay_us: 1000 }, startupMs: 3400 });
    const { file, recommendation } = recommend({ ...base, proof });
    expect(file.proof).toMatchObject({ file: 'config.pbtxt', capacity_rps: 1150, search_capacity_rps: 1200, agrees: true, startup_ms: 3400 });
    expect(file.why.at(-1)).toBe("config.pbtxt, loaded into the server as a user would, measured 1150 rps against the search's 1200 rps: within noise (ratio 0.958, allowed within a factor 1.24 either way)");
    expect(recommendation.reason).not.toMatch(/Caution/);
  });

  it('puts a caution in the reason when the proof disagrees or could not be taken', () => {
    const low = exportProof({ file: 'config.pbtxt', chosen: batched, searchCapacityRps: 1200, noise: 0.05, precision: 0.1, record: record(batched, 600) });
    expect(recommend({ ...base, proof: low }).recommendation.reason).toMatch(/Caution: config\.pbtxt, loaded into the server as a user would, measured 600 rps against the search's 1200 rps: outside noise \(ratio 0\.5, allowed within a factor 1\.24 either way\)/);
    const failed = failedProof('config.pbtxt', 1200, 'tritonserver exited (code 1) before it was ready');
    expect(recommend({ ...base, proof: failed }).recommendation.reason).toMatch(/Caution: config\.pbtxt could not be proven on the server: tritonserver exited \(code 1\) before it was ready \(proof\.error has the rest\)$/);
  });
});
