// The closing measurements: the chosen configuration back on the server, then p50/p99 at 50%,
// 80% and 100% of its capacity, one open-loop step each. They become the run's phases in
// results.json (so the usual summary and time series describe the recommended configuration).
import { scrapeMetrics } from '../measure/serverMetrics.ts';
import { summarizeServerSide } from '../measure/serverSide.ts';
import type { PhaseResult, SecondRow } from '../contract/results.ts';
import type { RunEventListener } from '../contract/events.ts';
import { measureRate, serverUsage, type StepContext } from './rateStep.ts';
import type { LoadCheck } from './recommend.ts';
import type { ServingConfig } from '../serving/knobs.ts';
import type { ServingControl } from './serving.ts';

export const LOAD_SHARES = [0.5, 0.8, 1] as const;

export interface Verification {
  checks: LoadCheck[];
  phases: PhaseResult[];
  rows: SecondRow[];
  /** The model's configuration as the server reported it after the reload (results.json server_config). */
  serverConfig?: Record<string, unknown>;
  warnings: string[];
}

export async function verifyAtLoad(
  o: { step: StepContext; control: ServingControl; config: ServingConfig; capacityRps: number; stepS: number; warmupS: number; model: string; onEvent?: RunEventListener },
): Promise<Verification> {
  const serverConfig = o.control.canReconfigure ? await o.control.apply(o.config) : undefined;
  if (o.warmupS > 0) await measureRate(o.step, o.capacityRps / 2, o.warmupS, 'warmup');
  const out: Verification = { checks: [], phases: [], rows: [], ...(serverConfig ? { serverConfig } : {}), warnings: [] };
  const atS = () => (performance.now() * 1000 - o.step.runStartUs) / 1e6;
  for (const share of LOAD_SHARES) {
    if (o.step.signal?.aborted) break;
    const rate = Math.round(o.capacityRps * share * 100) / 100;
    const name = `at-${Math.round(share * 100)}pct`;
    const before = await scrapeMetrics(o.step.metricsUrl ?? `${o.step.origin}/metrics`);
    const m = await measureRate(o.step, rate, o.stepS, name);
    const after = before ? await scrapeMetrics(o.step.metricsUrl ?? `${o.step.origin}/metrics`) : null;
    out.checks.push({
      share,
      rate,
      p50_us: m.measured.latency_us.p50,
      p99_us: m.measured.latency_us.p99,
      error_rate: m.errorRate,
      throughput_rps: Math.round(m.throughputRps * 100) / 100,
      ...serverUsage(m),
    });
    const phase: PhaseResult = {
      name,
      kind: 'steady',
      counted: true,
      started_s: (m.startedUs - o.step.runStartUs) / 1e6,
      duration_s: m.durationS,
      load: { mode: 'open', rate },
      ...m.measured,
      throughput_rps: m.throughputRps,
      ...(before && after ? { server: summarizeServerSide(before, after, { model: o.model }) } : {}),
      ...(m.saturation ? { saturation: m.saturation } : {}),
    };
    if (m.saturation) out.warnings.push(`generator saturated in ${name}: results describe the client, not the server (${m.saturation.reason})`);
    o.onEvent?.({ type: 'phase-end', atS: atS(), result: phase });
    out.phases.push(phase);
    out.rows.push(...m.rows);
  }
  return out;
}
