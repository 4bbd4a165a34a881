// Polls the target for its Date header until it turns a second (at most ~1.2 s), for clock.ts.
import type { ClockReading } from '../contract/results.ts';
import { offsetFromDateTick, type DateExchange } from './clock.ts';

const POLL_GAP_MS = 5;
/** The longest a probe takes: the Date header turns a second within one. */
export const CLOCK_PROBE_BUDGET_MS = 1200;

export async function probeClock(origin: string, budgetMs = CLOCK_PROBE_BUDGET_MS): Promise<ClockReading> {
  const exchanges: DateExchange[] = [];
  const until = Date.now() + budgetMs;
  try {
    while (Date.now() < until) {
      const sentMs = Date.now();
      const res = await fetch(`${origin}/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      const receivedMs = Date.now();
      const date = res.headers.get('date');
      if (!date) break;
      exchanges.push({ sentMs, receivedMs, dateMs: Date.parse(date) });
      const reading = offsetFromDateTick(exchanges.slice(-2));
      if (reading.source !== 'none') return reading;
      await new Promise((r) => setTimeout(r, POLL_GAP_MS));
    }
  } catch (err) {
    return { source: 'none', note: `probing the target's Date header failed: ${(err as Error).message}` };
  }
  return offsetFromDateTick(exchanges);
}
