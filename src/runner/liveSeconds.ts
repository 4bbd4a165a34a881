// The live view's heartbeat: once a second, the phase's last second and its latency so far, for
// a run's phases and a tune's rate steps alike.
import type { LatencyRecorder } from '../measure/latencyRecorder.ts';
import type { SystemSample } from '../contract/results.ts';
import type { RunEventListener } from '../contract/events.ts';

export interface LiveSecondsOptions {
  phase: string;
  /** The run's clock origin (µs, performance.now()*1000). */
  runStartUs: number;
  emit: RunEventListener;
  /** The newest system sample, when the run samples the system. */
  latestSystem?: () => SystemSample | undefined;
}

/** Emits a `second` event a second from `recorder`'s snapshot; returns the stop. */
export function emitSeconds(recorder: LatencyRecorder, o: LiveSecondsOptions): () => void {
  const ticker = setInterval(() => {
    const snap = recorder.snapshot();
    if (!snap.last) return;
    const system = o.latestSystem?.();
    o.emit({ type: 'second', atS: (performance.now() * 1000 - o.runStartUs) / 1e6, phase: o.phase, row: snap.last, phaseLatency: snap.latency_us, phaseOk: snap.ok, phaseRequests: snap.sent, ...(system ? { system } : {}) });
  }, 1000);
  return () => clearInterval(ticker);
}
