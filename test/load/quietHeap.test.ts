import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { collectGarbageBeforeMeasuring } from '../../src/load/quietHeap.ts';

describe('collectGarbageBeforeMeasuring', () => {
  it('runs a real collection: an object nothing holds is gone afterwards', async () => {
    const ref = ((): WeakRef<object> => new WeakRef({ payload: new Array(1000).fill('x') }))();
    await nextTurn(); // a WeakRef keeps its target alive until the job that made it ends
    expect(collectGarbageBeforeMeasuring()).toBe(true);
    expect(ref.deref()).toBeUndefined();
  });
});
