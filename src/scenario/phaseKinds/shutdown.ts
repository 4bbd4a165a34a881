// shutdown: load while the server is sent a signal; every accepted request must complete and
// the server must exit 0 within its drain deadline, stalled clients or not.
import type { Verdict } from '../../contract/results.ts';
import type { ShutdownPhase } from '../../contract/scenario.ts';
import { StalledClients } from '../../load/stalledClients.ts';
import type { RequestSample, SampleSink } from '../../load/types.ts';
import { DEFAULTS } from '../defaults.ts';
import { describeValue, type FieldPath } from '../errors.ts';
import { readDuration, showDuration } from '../fields.ts';
import type { DurationInput, PhaseInput } from '../input.ts';
import type { PhaseContext } from '../phases.ts';
import { durationPair, int, oneOf } from '../schemaParts.ts';
import { atS, loadPhase, phaseSchema } from './common.ts';
import type { DriverContext, PhaseDriver, PhaseKindModule } from './kind.ts';

interface ShutdownInput extends PhaseInput {
  signal_at?: DurationInput;
  signal_at_s?: DurationInput;
  signal?: 'SIGTERM' | 'SIGINT';
  drain_deadline?: DurationInput;
  drain_deadline_ms?: DurationInput;
  stalled_clients?: number;
}

function resolveShutdown(raw: ShutdownInput, path: FieldPath, ctx: PhaseContext, durationS: number | undefined) {
  const { problems } = ctx;
  if (!ctx.signalable) problems.add(path, 'a shutdown phase signals the server process: use an embedded or command target, or give target.pid');
  if (durationS === undefined && raw.duration === undefined && raw.duration_s === undefined) {
    problems.add([...path, 'duration'], 'expected a duration like 6s for a shutdown phase (the signal is sent within it), got nothing');
  }
  const signalAt = readDuration(raw, 'signal_at', 'signal_at_s', path, problems);
  if (signalAt.value !== undefined && durationS !== undefined && signalAt.value >= durationS) {
    const key = signalAt.key ?? 'signal_at';
    problems.add([...path, key], `expected a time within the phase's ${showDuration(durationS, 'duration_s')}, got ${describeValue(raw[key as keyof ShutdownInput])}`);
  }
  const drain = readDuration(raw, 'drain_deadline', 'drain_deadline_ms', path, problems, { positive: true });
  const stalled = raw.stalled_clients ?? 0;
  if (!Number.isInteger(stalled) || stalled < 0 || stalled > 10_000) problems.add([...path, 'stalled_clients'], `expected an integer between 0 and 10000, got ${describeValue(raw.stalled_clients)}`);
  return {
    kind: 'shutdown' as const,
    signal_at_s: signalAt.value ?? (durationS ?? 0) / 2,
    signal: raw.signal ?? DEFAULTS.signal,
    drain_deadline_ms: drain.value ?? DEFAULTS.drain_deadline_ms,
    stalled_clients: stalled,
  };
}

export interface ShutdownTally {
  /** Requests sent before the signal, by outcome. */
  before: Record<string, number>;
  /** Requests sent after the signal, by outcome. */
  after: Record<string, number>;
  /** Requests sent within the grace window just before the signal, by outcome (they may reach the server after it). */
  edge: Record<string, number>;
}

const AFTER_SIGNAL_ACCEPTABLE = new Set(['status_503', 'refused', 'reset', 'ok', 'dropped']);
/** Answers that mean the server did not accept the request (it may be retried): not a loss. */
const NOT_ACCEPTED = new Set(['status_503', 'refused', 'dropped']);

/** shutdown: nothing accepted before the signal was lost, nothing hung, the process exited 0 within its deadline. */
export function shutdownVerdict(
  tally: ShutdownTally,
  exit: { code: number | null; afterSignalMs: number | null },
  drainDeadlineMs: number,
  stalled: { clients: number; cutByServer: number } = { clients: 0, cutByServer: 0 },
): Verdict {
  // A request sent before the signal is lost when it neither succeeded nor was refused outright
  // (a reset, a timeout, a 5xx other than 503): the server took it and dropped it.
  const lost = (side: Record<string, number>) => Object.entries(side).filter(([o]) => o !== 'ok' && !NOT_ACCEPTED.has(o)).reduce((a, [, n]) => a + n, 0);
  const lostBefore = lost(tally.before);
  const edgeLost = Object.entries(tally.edge).filter(([o]) => o !== 'ok' && !NOT_ACCEPTED.has(o) && o !== 'reset').reduce((a, [, n]) => a + n, 0);
  const hung = (tally.after.timeout ?? 0) + (tally.before.timeout ?? 0) + (tally.edge.timeout ?? 0);
  const unexpectedAfter = Object.entries(tally.after).filter(([o]) => !AFTER_SIGNAL_ACCEPTABLE.has(o)).reduce((a, [, n]) => a + n, 0);
  const exitedInTime = exit.code === 0 && exit.afterSignalMs !== null && exit.afterSignalMs <= drainDeadlineMs;
  const passed = lostBefore === 0 && edgeLost === 0 && hung === 0 && unexpectedAfter === 0 && exitedInTime;
  const exitText = exit.afterSignalMs === null ? 'did not exit' : `exited ${exit.code} after ${exit.afterSignalMs.toFixed(0)} ms (deadline ${drainDeadlineMs} ms)`;
  // A server that answers 500 instead of 503 while it drains tells clients their request failed, not that it may be retried.
  const unexpected = Object.entries(tally.after).filter(([o]) => !AFTER_SIGNAL_ACCEPTABLE.has(o));
  const unexpectedText = unexpected.length > 0 ? `, ${unexpectedAfter} got other answers (${unexpected.map(([o, n]) => `${o}: ${n}`).join(', ')})` : '';
  const stalledText = stalled.clients > 0 ? `; ${stalled.clients} stalled clients held open, ${stalled.cutByServer} cut by the server` : '';
  return {
    kind: 'shutdown',
    passed,
    summary: `${tally.before.ok ?? 0} requests sent before the signal completed, ${(tally.before.status_503 ?? 0) + (tally.before.refused ?? 0)} refused, ${lostBefore + edgeLost} lost, ${hung} hung; after it: ${tally.after.status_503 ?? 0} got 503, ${(tally.after.refused ?? 0) + (tally.after.reset ?? 0)} refused/reset${unexpectedText}; server ${exitText}${stalledText}`,
    details: { before: tally.before, edge: tally.edge, after: tally.after, lost_before: lostBefore + edgeLost, hung, unexpected_after: unexpectedAfter, exit_code: exit.code, exit_after_signal_ms: exit.afterSignalMs, drain_deadline_ms: drainDeadlineMs, ...(stalled.clients > 0 ? { stalled_clients: stalled.clients, stalled_cut_by_server: stalled.cutByServer } : {}) },
  };
}

/** Requests sent this close before the signal may reach the server after it; 503 is fair for them. */
const SHUTDOWN_EDGE_US = 100_000;

function shutdownDriver(ctx: DriverContext, phase: ShutdownPhase): PhaseDriver {
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

export const SHUTDOWN: PhaseKindModule<ShutdownPhase> = {
  kind: 'shutdown',
  schema: phaseSchema('shutdown', 'Load while the server is sent a signal: every accepted request must complete and the server must exit within the drain deadline. Must be the last phase; needs an embedded target or a url target with pid.', {
    ...durationPair('signal_at', 'signal_at_s', 'When the signal is sent, from the phase start (within the phase duration). Default: half the phase duration.'),
    signal: oneOf(['SIGTERM', 'SIGINT'], `The signal sent. Default ${DEFAULTS.signal}.`, { default: DEFAULTS.signal }),
    ...durationPair('drain_deadline', 'drain_deadline_ms', 'The server must exit within this long after the signal.', `${DEFAULTS.drain_deadline_ms / 1000}s`),
    stalled_clients: int(0, 10_000, 'Clients that send a valid request\'s headers at the phase start and never its body: the server must still exit within the drain deadline. Default 0.'),
  }),
  resolve(input) {
    const common = loadPhase(input, { extentOptional: true });
    return common && { ...common, ...resolveShutdown(input.raw, input.path, input.ctx, input.duration.value) };
  },
  driver: shutdownDriver,
};
