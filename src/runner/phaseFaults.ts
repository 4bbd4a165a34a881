// The fault drivers of the fault phases, each a small object the phase executor plugs in:
// what origin to send to, extra sinks, what to do during the phase, and the verdict after.
import { abortsVerdict, flapRecoveries, flapVerdict, malformedVerdict, overloadVerdict, shutdownVerdict, slowClientsVerdict, type ShutdownTally } from '../analyze/faultVerdicts.ts';
import { FlapProxy } from '../load/flapProxy.ts';
import { corpusCasesFor, lengthLieClasses } from '../load/malformedCorpus.ts';
import { StalledClients } from '../load/stalledClients.ts';
import type { RequestSample, RequestTemplate, SampleSink } from '../load/types.ts';
import type { PhaseResult, SystemSample, Verdict } from '../contract/results.ts';
import type { FlapPhase, Phase, ShutdownPhase, SlowClientsPhase } from '../contract/scenario.ts';
import type { RunEvent } from '../contract/events.ts';
import { probeReady } from './readiness.ts';
import type { RunningTarget } from './target.ts';
import { BUCKET_US, OutcomeTimeline } from '../analyze/timeline.ts';

export interface FaultContext {
  target: RunningTarget;
  /** A valid request of the scenario (what a stalled client starts to send). */
  validRequest: () => RequestTemplate;
  /** Ctrl-C: a driver waiting on the server stops waiting. */
  signal?: AbortSignal;
  runStartUs: number;
  emit: (event: RunEvent) => void;
  /** System samples taken so far (for RSS before/after). */
  systemSamples: () => SystemSample[];
}

export interface FaultDriver {
  /** Where the load goes (the flap proxy's address, or the target). */
  origin: string;
  sinks: SampleSink[];
  /** Called when the load starts (µs on the run clock). */
  begin(startUs: number): void;
  /** Called when the load is over; returns the phase verdict. */
  finish(measured: Pick<PhaseResult, 'requests' | 'latency_us' | 'started_s' | 'duration_s'>): Promise<Verdict | undefined>;
}

const atS = (ctx: FaultContext, us = performance.now() * 1000) => (us - ctx.runStartUs) / 1e6;

function rssWithin(samples: SystemSample[], fromS: number, toS: number): number[] {
  return samples.filter((s) => s.t >= fromS && s.t <= toS && s.server_rss_bytes !== undefined).map((s) => s.server_rss_bytes!);
}

/** Traffic needed after a restore to judge recovery from it. */
const JUDGE_AFTER_RESTORE_US = 1_500_000;

/** Requests sent this close before the signal may reach the server after it; 503 is fair for them. */
const SHUTDOWN_EDGE_US = 100_000;

function shutdownDriver(ctx: FaultContext, phase: ShutdownPhase): FaultDriver {
  const server = ctx.target.server;
  if (!server) throw new Error('shutdown phase needs a server process the runner started (an embedded or command target)');
  const tally: ShutdownTally = { before: {}, after: {}, edge: {} };
  let signalUs = Number.POSITIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  const stalled = new StalledClients({ origin: ctx.target.origin, request: ctx.validRequest, count: phase.stalled_clients, stall: 'withhold' });
  const counter: SampleSink = {
    record(sample: RequestSample) {
      // By actual send time: under load the generator may send later than intended.
      const side = sample.sentUs >= signalUs ? tally.after : sample.sentUs >= signalUs - SHUTDOWN_EDGE_US ? tally.edge : tally.before;
      side[sample.outcome] = (side[sample.outcome] ?? 0) + 1;
    },
  };
  const verdict = (exit: { code: number | null; afterSignalMs: number | null }) =>
    shutdownVerdict(tally, exit, phase.drain_deadline_ms, { clients: phase.stalled_clients, cutByServer: stalled.clients.filter((c) => c.cutUs !== undefined).length });
  return {
    origin: ctx.target.origin,
    sinks: [counter],
    begin(startUs) {
      stalled.open();
      const delayMs = Math.max(0, startUs / 1000 + phase.signal_at_s * 1000 - performance.now());
      timer = setTimeout(() => {
        signalUs = performance.now() * 1000;
        server.signal(phase.signal);
        ctx.emit({ type: 'marker', atS: atS(ctx, signalUs), kind: 'shutdown-sent', detail: phase.signal });
      }, delayMs);
      server.exited.then((exit) => ctx.emit({ type: 'marker', atS: atS(ctx, exit.atMs * 1000), kind: 'server-exited', detail: `code ${exit.code}` }));
    },
    async finish() {
      clearTimeout(timer);
      try {
        if (!Number.isFinite(signalUs)) return verdict({ code: null, afterSignalMs: null });
        // Wait for the exit at most until the deadline (plus a margin to tell "late" from "never").
        const leftMs = signalUs / 1000 + phase.drain_deadline_ms + 1000 - performance.now();
        const exit = await Promise.race([server.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), Math.max(0, leftMs)).unref())]);
        return verdict(exit ? { code: exit.code, afterSignalMs: exit.atMs - signalUs / 1000 } : { code: null, afterSignalMs: null });
      } finally {
        stalled.close();
      }
    },
  };
}

async function flapDriver(ctx: FaultContext, phase: FlapPhase): Promise<FaultDriver> {
  const proxy = new FlapProxy({ target: ctx.target.origin, everyS: phase.every_s, downMs: phase.down_ms });
  const origin = await proxy.start();
  const timeline = new OutcomeTimeline();
  const cuts: { cutUs: number; restoredUs: number }[] = [];
  proxy.on('cut', (e) => {
    cuts.push({ cutUs: e.atUs - ctx.runStartUs, restoredUs: Number.POSITIVE_INFINITY });
    ctx.emit({ type: 'marker', atS: atS(ctx, e.atUs), kind: 'proxy-cut', detail: `${e.connections} connections cut for ${phase.down_ms} ms` });
  });
  proxy.on('restored', (e) => {
    const open = cuts[cuts.length - 1];
    if (open) open.restoredUs = e.atUs - ctx.runStartUs;
    ctx.emit({ type: 'marker', atS: atS(ctx, e.atUs), kind: 'proxy-restored' });
  });
  const relative: SampleSink = { record: (s) => timeline.record({ ...s, intendedUs: s.intendedUs - ctx.runStartUs, endUs: s.endUs - ctx.runStartUs }) };
  return {
    origin,
    sinks: [relative],
    begin() {},
    async finish(measured) {
      await proxy.stop();
      // A cut too close to the end of the phase leaves no traffic after it to judge recovery by.
      const loadEndUs = (measured.started_s + measured.duration_s) * 1e6;
      const complete = cuts.filter((c) => Number.isFinite(c.restoredUs) && c.restoredUs + JUDGE_AFTER_RESTORE_US <= loadEndUs);
      const recoveries = flapRecoveries(timeline.series(), complete, BUCKET_US);
      return flapVerdict(recoveries, phase.every_s - phase.down_ms / 1000);
    },
  };
}

function passiveDriver(ctx: FaultContext, phase: Phase): FaultDriver {
  return {
    origin: ctx.target.origin,
    sinks: [],
    begin() {},
    async finish(measured) {
      const rss = () => rssWithin(ctx.systemSamples(), measured.started_s - 1.5, measured.started_s + measured.duration_s + 1.5);
      switch (phase.kind) {
        case 'malformed':
          return malformedVerdict(measured.requests.by_class ?? {}, await probeReady(ctx.target.origin, ctx.target.protocol), lengthLieClasses(corpusCasesFor(ctx.target.protocol)));
        case 'overload': {
          const values = rss();
          return overloadVerdict({ outcomes: measured.requests.outcomes, admittedP99Us: measured.latency_us.p99, rssStartBytes: values[0], rssMaxBytes: values.length ? Math.max(...values) : undefined, askedRate: phase.load.rate, durationS: measured.duration_s });
        }
        case 'aborts': {
          const values = rss();
          return abortsVerdict({ outcomes: measured.requests.outcomes, readyAfter: await probeReady(ctx.target.origin, ctx.target.protocol), rssStartBytes: values[0], rssEndBytes: values[values.length - 1] });
        }
        default:
          return undefined;
      }
    },
  };
}

/** Stalled clients held from the phase start; the verdict waits until each is cut or its bound has passed. */
function slowClientsDriver(ctx: FaultContext, phase: SlowClientsPhase): FaultDriver {
  const stalled = new StalledClients({ origin: ctx.target.origin, request: ctx.validRequest, count: phase.clients, stall: phase.stall });
  let openedUs = 0;
  return {
    origin: ctx.target.origin,
    sinks: [],
    begin(startUs) {
      openedUs = startUs;
      stalled.open();
    },
    async finish(measured) {
      try {
        await stalled.settled(openedUs + phase.cut_within_s * 1e6, ctx.signal);
      } finally {
        stalled.close();
      }
      const tally = stalled.clients.map((c) => ({ mode: c.mode, ...(c.cutUs !== undefined ? { cutAfterS: (c.cutUs - c.openedUs) / 1e6 } : {}), ...(c.status !== undefined ? { status: c.status } : {}), ...(c.error !== undefined ? { error: c.error } : {}) }));
      return slowClientsVerdict({ outcomes: measured.requests.outcomes, stalled: tally, cutWithinS: phase.cut_within_s, readyAfter: await probeReady(ctx.target.origin, ctx.target.protocol) });
    },
  };
}

export async function faultDriverFor(ctx: FaultContext, phase: Phase): Promise<FaultDriver> {
  if (phase.kind === 'shutdown') return shutdownDriver(ctx, phase);
  if (phase.kind === 'slow-clients') return slowClientsDriver(ctx, phase);
  if (phase.kind === 'flap') return flapDriver(ctx, phase);
  return passiveDriver(ctx, phase);
}
