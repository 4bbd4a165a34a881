// Where every request of a phase went, one column per way it can end, so that a row adds up:
// requests = ok + errors + timed_out + cut + refused + dropped + aborted + other. The terminal
// summary, the dashboard, summary.csv and report.html all show these same columns. Pure.

/** The columns after `requests`, in the order every view shows them. */
export const ACCOUNT_COLUMNS = ['ok', 'errors', 'timed_out', 'cut', 'refused', 'dropped', 'aborted', 'other'] as const;
export type AccountColumn = (typeof ACCOUNT_COLUMNS)[number];

/** Columns a view may leave out when they are zero in every row (they rarely happen). */
export const RARE_COLUMNS: ReadonlySet<AccountColumn> = new Set(['aborted', 'other']);

/** What each column holds, for a legend or a tooltip. */
export const ACCOUNT_MEANING: Record<AccountColumn | 'requests', string> = {
  requests: 'every request the phase meant to send, however it ended',
  ok: 'answered 2xx',
  errors: 'answered with an HTTP error status (4xx/5xx)',
  timed_out: 'no answer before the client deadline',
  cut: 'lost in a cut: the connection was reset or closed mid-request',
  refused: 'the connection was refused (nothing listening)',
  dropped: 'never sent: the open loop was at its in-flight cap at the intended time',
  aborted: 'the client hung up on purpose (aborts phase)',
  other: 'any other transport error',
};

export type RequestAccount = Record<AccountColumn | 'requests', number>;

/** The column an outcome (load/types.ts Outcome) is counted in. */
export function accountColumnOf(outcome: string): AccountColumn {
  if (outcome === 'ok') return 'ok';
  if (outcome.startsWith('status_')) return 'errors';
  if (outcome === 'timeout') return 'timed_out';
  if (outcome === 'reset') return 'cut';
  if (outcome === 'refused' || outcome === 'dropped' || outcome === 'aborted') return outcome;
  return 'other';
}

/** A phase's outcome counts (results `requests.outcomes`) as its account; `requests` is their sum. */
export function accountOf(outcomes: Record<string, number>): RequestAccount {
  const account: RequestAccount = { requests: 0, ok: 0, errors: 0, timed_out: 0, cut: 0, refused: 0, dropped: 0, aborted: 0, other: 0 };
  for (const [outcome, n] of Object.entries(outcomes)) {
    if (!Number.isFinite(n) || n <= 0) continue;
    account[accountColumnOf(outcome)] += n;
    account.requests += n;
  }
  return account;
}

/** The columns to show for these rows: every column but the rare ones that are zero everywhere. */
export function shownColumns(accounts: readonly RequestAccount[]): AccountColumn[] {
  return ACCOUNT_COLUMNS.filter((c) => !RARE_COLUMNS.has(c) || accounts.some((a) => a[c] > 0));
}
