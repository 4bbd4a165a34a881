import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTrials, sweepFingerprint, TUNE_STATE_SCHEMA, TuneStore } from '../../src/tune/store.ts';
import { parseSweepSection } from '../../src/tune/sweepSection.ts';
import type { TrialRecord } from '../../src/tune/trialRecord.ts';

const root = mkdtempSync(join(tmpdir(), 'sb-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const spec = parseSweepSection({ knobs: { max_batch_size: [0, 16] } }, 'test.yaml');
const fingerprint = sweepFingerprint(spec, 'mlp', 'embedded');
const state = { schema: TUNE_STATE_SCHEMA, run_id: 'r1', started_at: new Date(0).toISOString(), model: 'mlp', fingerprint } as const;

function record(index: number, capacity: number): TrialRecord {
  return {
    index, config: { workers: 1, max_batch_size: index * 16, max_batch_delay_us: 0, intra_op_threads: 1, max_queue_size: 256 }, reason: 'test',
    started_at: new Date(0).toISOString(), duration_s: 1, capacity_rps: capacity, score: capacity, p50_us: 1000, p99_us: 2000, error_rate: 0,
    throughput_rps: capacity, stop: 'converged', points: [], warnings: [],
  };
}

describe('the tuning run folder', () => {
  it('keeps every appended trial, and a resume reads them back', () => {
    const dir = join(root, 'a');
    const store = TuneStore.create(dir, state);
    store.appendTrial(record(0, 500));
    store.appendTrial(record(1, 900));
    const again = TuneStore.resume(dir, fingerprint);
    expect(again.trials().map((t) => t.capacity_rps)).toEqual([500, 900]);
    expect(again.state.run_id).toBe('r1');
  });

  it('cuts off the torn tail of a write that was killed, so the next append starts a clean line', () => {
    const dir = join(root, 'b');
    const store = TuneStore.create(dir, state);
    store.appendTrial(record(0, 500));
    appendFileSync(store.trialsFile, '{"index":1,"config":{"work');
    expect(readTrials(store.trialsFile)).toHaveLength(1);
    store.appendTrial(record(1, 700));
    expect(readTrials(store.trialsFile).map((t) => t.index)).toEqual([0, 1]);
    expect(readFileSync(store.trialsFile, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('refuses to resume another sweep, to resume a folder that is not a run, and to start over a run', () => {
    const dir = join(root, 'c');
    TuneStore.create(dir, state).appendTrial(record(0, 1));
    const other = sweepFingerprint(parseSweepSection({ knobs: { max_batch_size: [0, 32] } }, 'test.yaml'), 'mlp', 'embedded');
    expect(() => TuneStore.resume(dir, other)).toThrow(/was started with another sweep/);
    expect(() => TuneStore.resume(join(root, 'nothing'), fingerprint)).toThrow(/has no tune.json/);
    expect(() => TuneStore.create(dir, state)).toThrow(/already holds a tuning run; continue it with --resume/);
  });
});
