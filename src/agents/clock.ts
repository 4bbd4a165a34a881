// An agent's clock against the target's: the HTTP Date header has whole seconds only, so the
// offset is read at the moment it turns one (the first answer showing second s+1 after one showing
// s). Pure: the probe (clockProbe.ts) collects the exchanges.
import type { ClockReading } from '../contract/results.ts';

/** One request: local send and receive times (ms, epoch, this agent's clock) and the Date it answered with. */
export interface DateExchange {
  sentMs: number;
  receivedMs: number;
  /** The Date header as ms since the epoch (a whole second). */
  dateMs: number;
}

/**
 * The server's second turned between the earlier answer's send and the later answer's receipt
 * (local clock); at that instant the server's clock read the later Date exactly. Offset = that
 * reading minus the interval's midpoint, known within half the interval.
 */
export function offsetFromDateTick(exchanges: readonly DateExchange[]): ClockReading {
  for (let i = 1; i < exchanges.length; i++) {
    const before = exchanges[i - 1];
    const after = exchanges[i];
    if (after.dateMs !== before.dateMs + 1000) continue;
    const low = before.sentMs;
    const high = after.receivedMs;
    const mid = (low + high) / 2;
    return { source: 'target-http-date', offset_ms: round1(after.dateMs - mid), uncertainty_ms: round1((high - low) / 2) };
  }
  return { source: 'none', note: exchanges.length === 0 ? 'the target sent no Date header' : 'the target\'s Date header did not turn a second while probed' };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
