// Verdicts of the fault phases, pure: each takes what was counted during the phase and says
// passed or not, with the numbers behind it.
import type { Verdict } from '../contract/results.ts';
import type { TimelineBucket } from './timeline.ts';
import { latencyText, mibText } from '../format/units.ts';

const isClientError = (outcome: string) => /^status_4\d\d$/.test(outcome);
const sum = (counts: Record<string, number> | undefined) => Object.values(counts ?? {}).reduce((a, b) => a + b, 0);

/**
 * malformed: every malformed request got a 4xx (none a 5xx or reset), valid ones kept succeeding, server ready after.
 * For the classes in `closeRefuses` (requests that lie about their length) a connection the server
 * closed without an answer is a refusal too; the client's request timeout bounds how long it may take.
 */
export function malformedVerdict(byClass: Record<string, Record<string, number>>, readyAfter: boolean, closeRefuses: ReadonlySet<string> = new Set()): Verdict {
  const malformed = Object.entries(byClass).filter(([cls]) => cls !== 'valid');
  const badAnswers: Record<string, Record<string, number>> = {};
  let malformedTotal = 0;
  let closedWithoutAnswer = 0;
  for (const [cls, outcomes] of malformed) {
    malformedTotal += sum(outcomes);
    const refusedByClose = (o: string) => o === 'reset' && closeRefuses.has(cls);
    const wrong = Object.fromEntries(Object.entries(outcomes).filter(([o]) => !isClientError(o) && o !== 'dropped' && !refusedByClose(o)));
    if (Object.keys(wrong).length > 0) badAnswers[cls] = wrong;
    if (closeRefuses.has(cls)) closedWithoutAnswer += outcomes.reset ?? 0;
  }
  const valid = byClass.valid ?? {};
  const validTotal = sum(valid) - (valid.dropped ?? 0);
  const validFailed = validTotal - (valid.ok ?? 0);
  const passed = Object.keys(badAnswers).length === 0 && validFailed === 0 && readyAfter && malformedTotal > 0;
  const closedText = closedWithoutAnswer > 0 ? ` (${closedWithoutAnswer} with a lying length refused by closing the connection)` : '';
  const parts = [
    `${malformedTotal} malformed requests in ${malformed.length} classes: ${Object.keys(badAnswers).length === 0 ? `all answered 4xx${closedText}` : `not all 4xx (${Object.keys(badAnswers).join(', ')})`}`,
    `${validTotal - validFailed}/${validTotal} valid requests succeeded`,
    readyAfter ? 'server ready afterwards' : 'server NOT ready afterwards',
  ];
  return { kind: 'malformed', passed, summary: parts.join('; '), details: { malformed_total: malformedTotal, wrong_answers: badAnswers, valid_total: validTotal, valid_failed: validFailed, ready_after: readyAfter, closed_without_answer: closedWithoutAnswer } };
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

export interface CutRecovery {
  cutAtS: number;
  restoredAtS: number;
  /** Seconds from restore to the first success sent after it (null: never). */
  firstSuccessS: number | null;
  /** Seconds from restore until success throughput is back to >= 90% of before the cut (null: never). */
  recoveredS: number | null;
  /** Requests intended from the cut until recovery that did not succeed. */
  lost: number;
}

/** flap: for each cut, how fast traffic came back and how many requests it cost. */
export function flapRecoveries(timeline: TimelineBucket[], cuts: { cutUs: number; restoredUs: number }[], bucketUs: number): CutRecovery[] {
  const windowBuckets = Math.max(1, Math.round(500_000 / bucketUs));
  return cuts.map(({ cutUs, restoredUs }) => {
    const before = timeline.filter((b) => b.startUs >= cutUs - 1_000_000 && b.startUs + bucketUs <= cutUs);
    const baselinePerBucket = before.length > 0 ? before.reduce((a, b) => a + b.okCompleted, 0) / before.length : 0;
    const after = timeline.filter((b) => b.startUs >= restoredUs);
    const firstOk = after.find((b) => b.okCompleted > 0);
    let recoveredUs: number | null = null;
    for (let i = 0; i + windowBuckets <= after.length; i++) {
      const window = after.slice(i, i + windowBuckets);
      const rate = window.reduce((a, b) => a + b.okCompleted, 0) / windowBuckets;
      if (rate >= 0.9 * baselinePerBucket) {
        recoveredUs = window[0].startUs;
        break;
      }
    }
    const lostUntil = recoveredUs ?? (after.length > 0 ? after[after.length - 1].startUs + bucketUs : restoredUs);
    const lost = timeline.filter((b) => b.startUs >= cutUs - bucketUs && b.startUs < lostUntil).reduce((a, b) => a + b.failed, 0);
    return {
      cutAtS: cutUs / 1e6,
      restoredAtS: restoredUs / 1e6,
      firstSuccessS: firstOk ? Math.max(0, firstOk.startUs - restoredUs) / 1e6 : null,
      recoveredS: recoveredUs === null ? null : Math.max(0, recoveredUs - restoredUs) / 1e6,
      lost,
    };
  });
}

export function flapVerdict(recoveries: CutRecovery[], maxRecoveryS: number): Verdict {
  const unrecovered = recoveries.filter((r) => r.recoveredS === null || r.recoveredS > maxRecoveryS);
  const worst = Math.max(0, ...recoveries.map((r) => r.recoveredS ?? Infinity));
  const lost = recoveries.reduce((a, r) => a + r.lost, 0);
  return {
    kind: 'flap',
    passed: recoveries.length > 0 && unrecovered.length === 0,
    summary: recoveries.length === 0
      ? 'no connection cut happened during the phase'
      : `${recoveries.length} cuts; recovered to >= 90% throughput within ${Number.isFinite(worst) ? `${worst.toFixed(1)} s` : 'never'} (limit ${maxRecoveryS} s); ${lost} requests lost (${(lost / recoveries.length).toFixed(1)} per cut)`,
    details: { cuts: recoveries, lost_total: lost, max_recovery_s: maxRecoveryS },
  };
}

/** overload: requests shed fast with 503 rather than queued without bound, admitted latency and memory bounded. */
export function overloadVerdict(input: { outcomes: Record<string, number>; admittedP99Us: number; rssStartBytes?: number; rssMaxBytes?: number; askedRate: number; durationS: number }): Verdict {
  const shed = input.outcomes.status_503 ?? 0;
  const ok = input.outcomes.ok ?? 0;
  const other = sum(input.outcomes) - shed - ok - (input.outcomes.dropped ?? 0);
  const growth = input.rssStartBytes && input.rssMaxBytes ? input.rssMaxBytes / input.rssStartBytes : undefined;
  const memoryBounded = growth === undefined || growth < 2;
  const passed = shed > 0 && other === 0 && memoryBounded;
  const mb = (b?: number) => (b === undefined ? '?' : mibText(b));
  return {
    kind: 'overload',
    passed,
    summary: `at ${input.askedRate}/s: ${ok} admitted (p99 ${latencyText(input.admittedP99Us)}), ${shed} shed with 503, ${other} other failures; server RSS ${mb(input.rssStartBytes)} -> max ${mb(input.rssMaxBytes)}${memoryBounded ? ' (bounded)' : ' (GREW)'}`,
    details: { admitted: ok, shed, other_failures: other, admitted_p99_us: input.admittedP99Us, rss_start_bytes: input.rssStartBytes, rss_max_bytes: input.rssMaxBytes, rss_growth: growth },
  };
}

/** aborts / slow clients: the server neither stalls (valid requests keep succeeding, ready after) nor leaks. */
export function abortsVerdict(input: { outcomes: Record<string, number>; readyAfter: boolean; rssStartBytes?: number; rssEndBytes?: number }): Verdict {
  const aborted = input.outcomes.aborted ?? 0;
  const ok = input.outcomes.ok ?? 0;
  const failed = sum(input.outcomes) - ok - aborted - (input.outcomes.dropped ?? 0);
  const growth = input.rssStartBytes && input.rssEndBytes ? input.rssEndBytes / input.rssStartBytes : undefined;
  const passed = failed === 0 && input.readyAfter && (growth === undefined || growth < 1.5);
  return {
    kind: 'aborts',
    passed,
    summary: `${aborted} clients hung up mid-request; ${ok} others succeeded, ${failed} failed; server ${input.readyAfter ? 'ready' : 'NOT ready'} afterwards${growth === undefined ? '' : `; RSS x${growth.toFixed(2)}`}`,
    details: { aborted, ok, failed, ready_after: input.readyAfter, rss_growth: growth },
  };
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
