// Without a rate, the soak holds a share (half by default) of the server's capacity, measured
// here with a short closed loop: N connections each sending its next request when the previous
// answers, counting what completed ok. Minutes would be more exact; seconds are enough to pick a
// sustainable rate, and the number is reported so it can be given with --rate next time.
import { runLoad } from '../load/engine.ts';
import type { RequestTemplate } from '../load/types.ts';

export interface CapacityProbe {
  throughput_rps: number;
  ok: number;
  sent: number;
  duration_s: number;
  connections: number;
}

export interface ProbeOptions {
  origin: string;
  nextRequest: () => RequestTemplate;
  durationS: number;
  connections: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export async function probeCapacity(options: ProbeOptions): Promise<CapacityProbe> {
  let ok = 0;
  let sent = 0;
  const summary = await runLoad({
    origin: options.origin,
    load: { mode: 'closed', connections: options.connections, pipelining: 1 },
    extent: { duration_s: options.durationS },
    nextRequest: options.nextRequest,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    sink: {
      record(sample) {
        sent++;
        if (sample.outcome === 'ok') ok++;
      },
    },
  });
  const seconds = summary.elapsedSeconds > 0 ? summary.elapsedSeconds : options.durationS;
  return { throughput_rps: ok / seconds, ok, sent, duration_s: seconds, connections: options.connections };
}
