// The load engine: one phase's load, open or closed loop, with the generator watching itself.
// Reads like the steps of a phase: check, connect, run the loop, judge saturation, release.
import { runClosedLoop } from './closedLoop.ts';
import { boundsOf } from './extent.ts';
import { createHttpSender, type Sender } from './httpSender.ts';
import { withMisbehaviour } from './misbehaviour.ts';
import { runOpenLoop } from './openLoop.ts';
import { withRawRequests } from './rawRequest.ts';
import { collectGarbageBeforeMeasuring } from './quietHeap.ts';
import { judgeSaturation, startSelfWatch } from './saturation.ts';
import type { LoadRunOptions, LoadRunSummary } from './types.ts';
import { ServebenchError } from '../contract/errors.ts';

function positiveInt(value: number, field: string): number {
  if (!(Number.isInteger(value) && value >= 1)) throw new ServebenchError('SB_ERR_LOAD_OPTIONS', `${field}: expected a positive integer, got ${value}`);
  return value;
}

function checkOptions(options: LoadRunOptions): { connections: number; pipelining: number } {
  const { load, misbehaviour } = options;
  if (!(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) throw new ServebenchError('SB_ERR_LOAD_OPTIONS', `timeoutMs: expected a positive number of ms, got ${options.timeoutMs}`);
  if (misbehaviour !== undefined) {
    const { abortShare, slowShare, slowBytesPerSecond } = misbehaviour;
    const share = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;
    if (!share(abortShare) || !share(slowShare) || abortShare + slowShare > 1) {
      throw new ServebenchError('SB_ERR_LOAD_OPTIONS', `misbehaviour: abort_share and slow_share must be in [0, 1] and add up to at most 1, got ${abortShare} and ${slowShare}`);
    }
    if (slowShare > 0 && !(slowBytesPerSecond > 0)) throw new ServebenchError('SB_ERR_LOAD_OPTIONS', `misbehaviour: slow_bytes_per_s must be > 0, got ${slowBytesPerSecond}`);
  }
  if (load.mode === 'closed') return { connections: positiveInt(load.connections, 'load.connections'), pipelining: positiveInt(load.pipelining, 'load.pipelining') };
  if (!(Number.isFinite(load.rate) && load.rate > 0)) throw new ServebenchError('SB_ERR_LOAD_OPTIONS', `load.rate: expected requests per second > 0, got ${load.rate}`);
  // One connection per request that may be outstanding, opened only as needed; no pipelining, so a slow answer never delays another.
  return { connections: positiveInt(load.max_in_flight, 'load.max_in_flight'), pipelining: 1 };
}

export async function runLoad(options: LoadRunOptions): Promise<LoadRunSummary> {
  const bounds = boundsOf(options.extent);
  const { connections, pipelining } = checkOptions(options);
  const { origin, load, nextRequest, sink, signal, timeoutMs, misbehaviour } = options;
  collectGarbageBeforeMeasuring(); // now, not in the middle of the schedule
  let sender: Sender = withRawRequests(createHttpSender({ origin, connections, pipelining, timeoutMs }), { origin, timeoutMs });
  if (misbehaviour !== undefined && misbehaviour.abortShare + misbehaviour.slowShare > 0) sender = withMisbehaviour(sender, { ...misbehaviour, origin, timeoutMs });
  const watch = startSelfWatch();
  try {
    if (load.mode === 'open') {
      const result = await runOpenLoop({ rate: load.rate, maxInFlight: load.max_in_flight, bounds, nextRequest, sender, sink, signal });
      const saturation = judgeSaturation(watch.stop(), result.schedule);
      return {
        sent: result.sent,
        completed: result.completed,
        elapsedSeconds: Math.max(0, result.lastEndUs - result.startUs) / 1e6,
        achievedSendRate: result.schedule.achievedSendRate,
        ...(saturation ? { saturation } : {}),
      };
    }
    const result = await runClosedLoop({ lanes: connections * pipelining, bounds, nextRequest, sender, sink, signal });
    const saturation = judgeSaturation(watch.stop());
    return { sent: result.sent, completed: result.completed, elapsedSeconds: Math.max(0, result.lastEndUs - result.startUs) / 1e6, ...(saturation ? { saturation } : {}) };
  } finally {
    watch.stop();
    await sender.close();
  }
}
