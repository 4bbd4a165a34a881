// One trial: put a configuration on the server, warm it up, and find its capacity with the
// capacity search state machine (search/capacity.ts), one open-loop rate step at a time; or, for
// the min-p99 objective, measure p99 at the one given rate.
import type { CapacityPoint } from '../contract/results.ts';
import { nextRate, observe, startCapacitySearch } from './search/capacity.ts';
import type { ServingConfig } from '../serving/knobs.ts';
import { measureRate, serverUsage, type StepContext, type StepMeasurement } from './rateStep.ts';
import type { ServingControl } from './serving.ts';
import type { SweepSpec } from './sweepSection.ts';
import type { TrialRecord } from './trialRecord.ts';
import { ServebenchError } from '../contract/errors.ts';

export interface TrialContext {
  spec: SweepSpec;
  control: ServingControl;
  step: StepContext;
}

export interface TrialPlan {
  index: number;
  config: ServingConfig;
  reason: string;
  /** First rate of the capacity search. */
  startRps: number;
}

function point(m: StepMeasurement, passed: boolean): CapacityPoint {
  return {
    rate: m.rateRps,
    throughput_rps: round(m.throughputRps),
    p50_us: m.measured.latency_us.p50,
    p99_us: m.measured.latency_us.p99,
    error_rate: m.errorRate,
    passed,
  };
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** One warning per trial for the steps where the generator, not the server, was the limit. */
function saturationWarning(steps: readonly StepMeasurement[]): string | undefined {
  const saturated = steps.filter((m) => m.saturation);
  if (saturated.length === 0) return undefined;
  const rates = saturated.map((m) => `${m.rateRps}`).join(', ');
  return `generator saturated in ${saturated.length} of ${steps.length} steps (${rates} rps): those steps describe the client, not the server (${saturated[0].saturation!.reason})`;
}

/** Applies the configuration (when the target can be re-configured) and warms it up. */
async function prepare(ctx: TrialContext, config: ServingConfig, warmRps: number): Promise<Record<string, unknown> | undefined> {
  const modelConfig = ctx.control.canReconfigure ? await ctx.control.apply(config) : undefined;
  // New workers start cold (sessions, JIT, first batches): a short load before measuring.
  if (ctx.spec.warmupS > 0) await measureRate(ctx.step, warmRps, ctx.spec.warmupS, 'warmup');
  checkNotInterrupted(ctx);
  return modelConfig?.effective_serving as Record<string, unknown> | undefined;
}

/** A trial cut short by Ctrl-C is not a measurement: it is dropped, and a resume runs it again. */
function checkNotInterrupted(ctx: TrialContext): void {
  if (ctx.step.signal?.aborted) throw new ServebenchError('SB_ERR_TRIAL_INTERRUPTED', 'interrupted during a trial');
}

export async function runTrial(ctx: TrialContext, plan: TrialPlan): Promise<TrialRecord> {
  const { spec } = ctx;
  const startedAt = new Date();
  const t0 = performance.now();
  const warnings: string[] = [];
  const rateOf = spec.objective === 'min-p99' ? spec.rate! : plan.startRps;
  const effective = await prepare(ctx, plan.config, Math.max(1, rateOf / 2));
  const steps: StepMeasurement[] = [];
  const startupMs = ctx.control.lastStartupMs?.();
  const base = { index: plan.index, config: plan.config, reason: plan.reason, started_at: startedAt.toISOString(), ...(startupMs !== undefined ? { startup_ms: startupMs } : {}) };

  if (spec.objective === 'min-p99') {
    const m = await measureRate(ctx.step, spec.rate!, spec.stepS, `trial-${plan.index}`);
    checkNotInterrupted(ctx);
    const warning = saturationWarning([m]);
    if (warning) warnings.push(warning);
    const ok = m.errorRate <= spec.slo.errorRate && m.throughputRps >= 0.9 * spec.rate!;
    const p99 = m.measured.latency_us.p99;
    return {
      ...base,
      duration_s: (performance.now() - t0) / 1000,
      capacity_rps: ok ? spec.rate! : 0,
      score: ok && p99 > 0 ? 1e6 / p99 : 0,
      p50_us: m.measured.latency_us.p50,
      p99_us: p99,
      error_rate: m.errorRate,
      throughput_rps: round(m.throughputRps),
      stop: 'single-rate',
      points: [point(m, ok && p99 <= spec.slo.p99Us)],
      ...serverUsage(m),
      ...(effective ? { effective_serving: effective } : {}),
      warnings,
    };
  }

  let state = startCapacitySearch({
    sloP99Us: spec.slo.p99Us,
    maxErrorRate: spec.slo.errorRate,
    startRps: Math.min(Math.max(plan.startRps, 1), spec.maxRps),
    maxRps: spec.maxRps,
    growthFactor: spec.growth,
    precision: spec.precision,
    maxTrials: spec.maxSteps,
  });
  for (;;) {
    const next = nextRate(state);
    if (next.done) {
      const result = next.result;
      // The step that decided the capacity (the last one at that rate): its usage is "at capacity".
      const atCap = [...steps].reverse().find((m) => m.rateRps === result.capacityRps);
      const warning = saturationWarning(steps);
      if (warning) warnings.push(warning);
      return {
        ...base,
        duration_s: (performance.now() - t0) / 1000,
        capacity_rps: result.capacityRps,
        score: result.capacityRps,
        p50_us: atCap?.measured.latency_us.p50 ?? 0,
        p99_us: result.atCapacity?.p99Us ?? 0,
        error_rate: result.atCapacity?.errorRate ?? 0,
        throughput_rps: round(result.atCapacity?.achievedRps ?? 0),
        stop: result.reason,
        // state.points are in measurement order, one per step; the curve reads lowest rate first.
        points: state.points.map((p, i) => point(steps[i], p.passed)).sort((a, b) => a.rate - b.rate),
        ...(atCap ? serverUsage(atCap) : {}),
        ...(effective ? { effective_serving: effective } : {}),
        warnings,
      };
    }
    const m = await measureRate(ctx.step, next.rateRps, spec.stepS, `trial-${plan.index}`);
    checkNotInterrupted(ctx);
    steps.push(m);
    state = observe(state, next.rateRps, { p99Us: m.measured.latency_us.p99, errorRate: m.errorRate, achievedRps: m.throughputRps });
  }
}

/** A trial whose server could not be started (or ran other settings than asked): no capacity, the reason kept. */
export function failedTrial(index: number, config: ServingConfig, reason: string, why: string): TrialRecord {
  return { index, config, reason, started_at: new Date().toISOString(), duration_s: 0, capacity_rps: 0, score: 0, p50_us: 0, p99_us: 0, error_rate: 1, throughput_rps: 0, stop: 'server-failed', points: [], warnings: [`the server failed with this configuration: ${why}`] };
}
