// flap: load through a proxy that cuts every connection periodically; after each cut, traffic
// must come back to 90% of its throughput before the next.
import type { Verdict } from '../../contract/results.ts';
import type { FlapPhase } from '../../contract/scenario.ts';
import { BUCKET_US, OutcomeTimeline, type TimelineBucket } from '../../analyze/timeline.ts';
import { FlapProxy } from '../../load/flapProxy.ts';
import type { SampleSink } from '../../load/types.ts';
import { DEFAULTS } from '../defaults.ts';
import type { FieldPath, Problems } from '../errors.ts';
import { readDuration, showDuration } from '../fields.ts';
import type { DurationInput, PhaseInput } from '../input.ts';
import { durationPair } from '../schemaParts.ts';
import { formatDurationMs } from '../../format/units.ts';
import { atS, loadPhase, phaseSchema } from './common.ts';
import type { DriverContext, PhaseDriver, PhaseKindModule } from './kind.ts';

interface FlapInput extends PhaseInput {
  down?: DurationInput;
  down_ms?: DurationInput;
  every?: DurationInput;
  every_s?: DurationInput;
}

function resolveFlap(raw: FlapInput, path: FieldPath, problems: Problems) {
  const down = readDuration(raw, 'down', 'down_ms', path, problems, { positive: true });
  const every = readDuration(raw, 'every', 'every_s', path, problems, { positive: true });
  const downMs = down.value ?? DEFAULTS.down_ms;
  const everyS = every.value ?? DEFAULTS.every_s;
  if (downMs >= everyS * 1000) {
    problems.add([...path, down.key ?? every.key ?? 'down'], `expected a cut shorter than the time between cuts (${showDuration(everyS, 'every_s')}), got ${formatDurationMs(downMs)}`);
  }
  return { kind: 'flap' as const, down_ms: downMs, every_s: everyS };
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

/** Traffic needed after a restore to judge recovery from it. */
const JUDGE_AFTER_RESTORE_US = 1_500_000;

async function flapDriver(ctx: DriverContext, phase: FlapPhase): Promise<PhaseDriver> {
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

export const FLAP: PhaseKindModule<FlapPhase> = {
  kind: 'flap',
  schema: phaseSchema('flap', 'Load through a proxy that cuts every connection periodically; the server and client must recover.', {
    ...durationPair('down', 'down_ms', 'How long each cut lasts.', `${DEFAULTS.down_ms}ms`),
    ...durationPair('every', 'every_s', 'Time between cuts.', `${DEFAULTS.every_s}s`),
  }),
  resolve(input) {
    const common = loadPhase(input);
    return common && { ...common, ...resolveFlap(input.raw, input.path, input.ctx.problems) };
  },
  driver: flapDriver,
};
