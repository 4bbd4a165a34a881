// aborts: load where some clients hang up mid-request or trickle their body; the server must
// keep serving the others, stay ready and not grow.
import type { Verdict } from '../../contract/results.ts';
import type { AbortsPhase } from '../../contract/scenario.ts';
import { DEFAULTS } from '../defaults.ts';
import { describeValue, type FieldPath, type Problems } from '../errors.ts';
import { readUnit } from '../fields.ts';
import type { PhaseInput } from '../input.ts';
import { ratio, SIZE_PATTERN, withMessage } from '../schemaParts.ts';
import { parseRatio, parseSize } from '../units.ts';
import { formatNumber } from '../../format/units.ts';
import { loadPhase, passiveDriver, phaseRss, phaseSchema, sum } from './common.ts';
import type { PhaseKindModule } from './kind.ts';

interface AbortsInput extends PhaseInput {
  abort_share?: number | string;
  slow_share?: number | string;
  slow_bytes_per_s?: number | string;
}

function resolveAborts(raw: AbortsInput, path: FieldPath, problems: Problems) {
  const share = (key: 'abort_share' | 'slow_share', fallback: number): number =>
    raw[key] === undefined ? fallback : (readUnit(raw[key], parseRatio, [...path, key], problems) ?? fallback);
  const abortShare = share('abort_share', DEFAULTS.abort_share);
  const slowShare = share('slow_share', DEFAULTS.slow_share);
  if (abortShare + slowShare > 1 + 1e-9) problems.add([...path, 'slow_share'], `expected abort_share + slow_share <= 1, got ${formatNumber(abortShare + slowShare)}`);
  let slowBytes: number = DEFAULTS.slow_bytes_per_s;
  if (raw.slow_bytes_per_s !== undefined) {
    const bytes = readUnit(raw.slow_bytes_per_s, parseSize, [...path, 'slow_bytes_per_s'], problems);
    if (bytes === 0) problems.add([...path, 'slow_bytes_per_s'], `expected a positive size, got ${describeValue(raw.slow_bytes_per_s)}`);
    slowBytes = bytes ?? slowBytes;
  }
  return { kind: 'aborts' as const, abort_share: abortShare, slow_share: slowShare, slow_bytes_per_s: slowBytes };
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

export const ABORTS: PhaseKindModule<AbortsPhase> = {
  kind: 'aborts',
  schema: phaseSchema('aborts', 'Load where some clients hang up mid-request or trickle their body; the server must stay healthy.', {
    abort_share: ratio('Share of requests whose client hangs up mid-request.', DEFAULTS.abort_share),
    slow_share: ratio('Share of requests whose client trickles its body.', DEFAULTS.slow_share),
    slow_bytes_per_s: withMessage('a size per second like 1KiB or a number of bytes', {
      type: ['number', 'string'], exclusiveMinimum: 0, pattern: SIZE_PATTERN, default: DEFAULTS.slow_bytes_per_s,
      description: `Bytes per second a slow client sends. Default ${DEFAULTS.slow_bytes_per_s}.`,
    }),
  }),
  resolve(input) {
    const common = loadPhase(input);
    return common && { ...common, ...resolveAborts(input.raw, input.path, input.ctx.problems) };
  },
  driver(ctx, phase) {
    const misbehaviour = { abortShare: phase.abort_share, slowShare: phase.slow_share, slowBytesPerSecond: phase.slow_bytes_per_s, seed: ctx.scenario.payload.seed };
    return passiveDriver(ctx, async (measured) => {
      const values = phaseRss(ctx, measured);
      return abortsVerdict({ outcomes: measured.requests.outcomes, readyAfter: await ctx.ready(), rssStartBytes: values[0], rssEndBytes: values[values.length - 1] });
    }, { misbehaviour });
  },
};
