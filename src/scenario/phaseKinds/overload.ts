// overload: open-loop load above capacity; the server must shed load (503) rather than time out
// everything, with admitted latency and memory bounded.
import type { Verdict } from '../../contract/results.ts';
import type { OpenLoad, OverloadPhase } from '../../contract/scenario.ts';
import { latencyText, mibText } from '../../format/units.ts';
import { loadPhase, passiveDriver, phaseRss, phaseSchema, sum } from './common.ts';
import type { PhaseKindModule } from './kind.ts';

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

export const OVERLOAD: PhaseKindModule<OverloadPhase> = {
  kind: 'overload',
  schema: phaseSchema('overload', 'Open-loop load above capacity: the server must shed load (503 with Retry-After) and stay bounded, not time out everything.', {}),
  resolve(input) {
    const common = loadPhase(input, { openOnly: true });
    return common && { ...common, kind: 'overload', load: common.load as OpenLoad };
  },
  driver(ctx, phase) {
    return passiveDriver(ctx, async (measured) => {
      const values = phaseRss(ctx, measured);
      return overloadVerdict({ outcomes: measured.requests.outcomes, admittedP99Us: measured.latency_us.p99, rssStartBytes: values[0], rssMaxBytes: values.length ? Math.max(...values) : undefined, askedRate: phase.load.rate, durationS: measured.duration_s });
    });
  },
};
