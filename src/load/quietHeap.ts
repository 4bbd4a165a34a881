// A full garbage collection in the load generator before a measurement starts. The harness's
// own heap (loaded modules, the previous phase's samples) otherwise tends to be collected in the
// middle of the next phase: a 20 ms major GC stalls the open loop's send schedule, and the stall
// lands in the measured latencies. Node exposes gc() only behind --expose-gc, which V8 still
// accepts at run time; where it does not, this is a no-op.
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
