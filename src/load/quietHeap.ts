// A full garbage collection in the load generator before a measurement starts. The harness's
// own heap (loaded modules, the previous phase's samples) otherwise tends to be collected in the
// middle of the next phase: a 20 ms major GC stalls the open loop's send schedule, and the stall
// lands in the measured latencies. Callers run it before they start their clocks. Node exposes
// gc() only behind --expose-gc; setting that flag at run time is not a documented Node API (V8
// accepts it, as benchmark harnesses rely on), so where it fails this is a no-op.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

function resolveGc(): (() => void) | null {
  const global = (globalThis as { gc?: () => void }).gc;
  if (typeof global === 'function') return global;
  try {
    setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    return typeof fn === 'function' ? (fn as () => void) : null;
  } catch {
    return null;
  }
}

/** Collects garbage now; false when this runtime does not let us. */
export function collectGarbageBeforeMeasuring(): boolean {
  if (gc === undefined) gc = resolveGc();
  gc?.();
  return gc !== null;
}
