// slow-clients: load while many clients send a request's headers and then withhold or trickle
// its body; valid requests must keep being served and the server must cut every stalled client
// within a bound.
import type { Verdict } from '../../contract/results.ts';
import type { SlowClientsPhase } from '../../contract/scenario.ts';
import { StalledClients } from '../../load/stalledClients.ts';
import { DEFAULTS } from '../defaults.ts';
import { describeValue, type FieldPath, type Problems } from '../errors.ts';
import { readDuration } from '../fields.ts';
import type { DurationInput, PhaseInput } from '../input.ts';
import { durationPair, int, oneOf } from '../schemaParts.ts';
import { loadPhase, phaseSchema, sum } from './common.ts';
import type { DriverContext, PhaseDriver, PhaseKindModule } from './kind.ts';

interface SlowClientsInput extends PhaseInput {
  clients?: number;
  stall?: string;
  cut_within?: DurationInput;
  cut_within_s?: DurationInput;
}

function resolveSlowClients(raw: SlowClientsInput, path: FieldPath, problems: Problems) {
  const clients = raw.clients ?? DEFAULTS.stalled_clients;
  if (!Number.isInteger(clients) || clients < 1 || clients > 10_000) problems.add([...path, 'clients'], `expected an integer between 1 and 10000, got ${describeValue(raw.clients)}`);
  const stall = raw.stall ?? DEFAULTS.stall;
  if (stall !== 'withhold' && stall !== 'trickle' && stall !== 'mixed') problems.add([...path, 'stall'], `expected withhold, trickle or mixed, got ${describeValue(raw.stall)}`);
  const cut = readDuration(raw, 'cut_within', 'cut_within_s', path, problems, { positive: true });
  return { kind: 'slow-clients' as const, clients, stall: stall as 'withhold' | 'trickle' | 'mixed', cut_within_s: cut.value ?? DEFAULTS.cut_within_s };
}

export interface StalledTally {
  mode: 'withhold' | 'trickle';
  /** Seconds from the client's headers to the server's cut; undefined when it never cut it. */
  cutAfterS?: number;
  status?: number;
  error?: string;
}

/**
 * slow-clients: valid requests keep being served (at least 99% ok) while the stalled clients hold
 * their connections, every stalled client is cut within the bound, and the server is ready after.
 */
export function slowClientsVerdict(input: { outcomes: Record<string, number>; stalled: readonly StalledTally[]; cutWithinS: number; readyAfter: boolean }): Verdict {
  const ok = input.outcomes.ok ?? 0;
  const sent = sum(input.outcomes) - (input.outcomes.dropped ?? 0);
  const failures = Object.fromEntries(Object.entries(input.outcomes).filter(([k, n]) => k !== 'ok' && k !== 'dropped' && n > 0));
  const served = sent > 0 && ok / sent >= 0.99;
  const opened = input.stalled.filter((c) => c.error === undefined);
  const cut = opened.filter((c) => c.cutAfterS !== undefined && c.cutAfterS <= input.cutWithinS);
  const held = opened.length - cut.length;
  const slowest = Math.max(0, ...opened.flatMap((c) => (c.cutAfterS !== undefined ? [c.cutAfterS] : [])));
  const answers: Record<string, number> = {};
  for (const c of cut) {
    const answer = c.status === undefined ? 'closed' : `status_${c.status}`;
    answers[answer] = (answers[answer] ?? 0) + 1;
  }
  const passed = served && held === 0 && opened.length > 0 && input.readyAfter;
  const list = (counts: Record<string, number>) => Object.entries(counts).map(([k, n]) => `${k}: ${n}`).join(', ');
  return {
    kind: 'slow-clients',
    passed,
    summary: `${opened.length} stalled clients (${opened.filter((c) => c.mode === 'withhold').length} withheld their body, ${opened.filter((c) => c.mode === 'trickle').length} trickled it): ${cut.length} cut within ${input.cutWithinS} s${cut.length > 0 ? ` (${list(answers)}; the slowest after ${slowest.toFixed(1)} s)` : ''}, ${held} ${held === 0 ? 'held' : 'STILL HELD'}; valid traffic: ${ok} of ${sent} ok${Object.keys(failures).length > 0 ? ` (${list(failures)})` : ''}; server ${input.readyAfter ? 'ready' : 'NOT ready'} afterwards`,
    details: { stalled: opened.length, failed_to_open: input.stalled.length - opened.length, cut: cut.length, held, slowest_cut_s: slowest, answers, cut_within_s: input.cutWithinS, valid_ok: ok, valid_sent: sent, valid_failures: failures, ready_after: input.readyAfter },
  };
}

/** Stalled clients held from the phase start; the verdict waits until each is cut or its bound has passed. */
function slowClientsDriver(ctx: DriverContext, phase: SlowClientsPhase): PhaseDriver {
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
      return slowClientsVerdict({ outcomes: measured.requests.outcomes, stalled: tally, cutWithinS: phase.cut_within_s, readyAfter: await ctx.ready() });
    },
  };
}

export const SLOW_CLIENTS: PhaseKindModule<SlowClientsPhase> = {
  kind: 'slow-clients',
  schema: phaseSchema('slow-clients', 'Load while many clients send a request\'s headers and then withhold or trickle its body: valid requests must keep being served, and the server must cut every stalled client within a bound.', {
    clients: int(1, 10_000, `Stalled connections, held at once from the phase start; more than the server's queue bound. Default ${DEFAULTS.stalled_clients}.`),
    stall: oneOf(['withhold', 'trickle', 'mixed'], `withhold: the body never comes; trickle: a byte a second, never the last; mixed: every other client each. Default ${DEFAULTS.stall}.`, { default: DEFAULTS.stall }),
    ...durationPair('cut_within', 'cut_within_s', 'The server must cut each stalled client (answer it, e.g. 408, or close its connection) within this long of its headers.', `${DEFAULTS.cut_within_s}s`),
  }),
  resolve(input) {
    const common = loadPhase(input);
    return common && { ...common, ...resolveSlowClients(input.raw, input.path, input.ctx.problems) };
  },
  driver: slowClientsDriver,
};
