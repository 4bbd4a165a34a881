// TorchServe's model description in servebench's knob names, and the knobs its API cannot set.
import { describe, expect, it } from 'vitest';
import { checkTorchServeSweepable, knobsOfTorchServe } from '../../src/tune/torchserveControl.ts';

describe('TorchServe control', () => {
  it('reads batchSize 1 as batching off, maxBatchDelay in ms, minWorkers as workers', () => {
    expect(knobsOfTorchServe({ batchSize: 1, maxBatchDelay: 100, minWorkers: 2 })).toEqual({ workers: 2, max_batch_size: 0, max_batch_delay_us: 100_000 });
    expect(knobsOfTorchServe({ batchSize: 8, maxBatchDelay: 5, minWorkers: 1 })).toEqual({ workers: 1, max_batch_size: 8, max_batch_delay_us: 5000 });
  });

  it('refuses to sweep what its management API does not set per model, saying where it can be swept', () => {
    expect(() => checkTorchServeSweepable(['workers', 'max_batch_size'])).not.toThrow();
    expect(() => checkTorchServeSweepable(['workers', 'max_queue_size'])).toThrow(/^TorchServe's management API sets workers, max_batch_size, max_batch_delay_us per model, not max_queue_size .*sweep it in launch mode/);
  });
});
