// runLoad refuses what it cannot run, by name, before sending anything.
import { describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/engine.ts';
import type { LoadRunOptions } from '../../src/load/types.ts';
import { GET_OK } from './tinyServer.ts';

let picks = 0;
const base: LoadRunOptions = {
  origin: 'http://127.0.0.1:1',
  load: { mode: 'closed', connections: 1, pipelining: 1 },
  extent: { requests: 1 },
  nextRequest: () => (picks++, GET_OK),
  timeoutMs: 1000,
  sink: { record() {} },
};

describe('runLoad options', () => {
  it.each([
    ['an unbounded phase', { extent: {} }, 'SB_ERR_LOAD_EXTENT', /duration_s, requests or both/],
    ['a negative duration', { extent: { duration_s: -1 } }, 'SB_ERR_LOAD_EXTENT', /duration_s.*-1/],
    ['a fractional request count', { extent: { requests: 1.5 } }, 'SB_ERR_LOAD_EXTENT', /requests.*1\.5/],
    ['zero connections', { load: { mode: 'closed', connections: 0, pipelining: 1 } }, 'SB_ERR_LOAD_OPTIONS', /load\.connections/],
    ['a zero rate', { load: { mode: 'open', rate: 0, max_in_flight: 8 } }, 'SB_ERR_LOAD_OPTIONS', /load\.rate/],
    ['no in-flight room', { load: { mode: 'open', rate: 10, max_in_flight: 0 } }, 'SB_ERR_LOAD_OPTIONS', /load\.max_in_flight/],
    ['shares over 1', { misbehaviour: { abortShare: 0.7, slowShare: 0.5, slowBytesPerSecond: 10, seed: 1 } }, 'SB_ERR_LOAD_OPTIONS', /add up to at most 1/],
    ['a zero timeout', { timeoutMs: 0 }, 'SB_ERR_LOAD_OPTIONS', /timeoutMs/],
  ] as const)('refuses %s', async (_name, override, code, message) => {
    picks = 0;
    await expect(runLoad({ ...base, ...override } as LoadRunOptions)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(picks).toBe(0);
  });
});
