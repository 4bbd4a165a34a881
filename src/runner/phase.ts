// Runs one phase: plug in its kind's driver (what requests, to where, what else happens during
// the phase), drive the load (a ramp's steps one after another), and measure it: client-side
// histograms, server-side /metrics, the verdict.
import { runLoad } from '../load/engine.ts';
import { plannedSeconds } from '../scenario/phases.ts';
import type { SampleSink } from '../load/types.ts';
import type { LoadRunSummary } from '../load/types.ts';
import { LatencyRecorder } from '../measure/latencyRecorder.ts';
import { emitSeconds } from './liveSeconds.ts';
import { scrapeMetrics } from '../measure/serverMetrics.ts';
import { summarizeServerSide } from '../measure/serverSide.ts';
import type { PhaseResult, SecondRow, SystemSample } from '../contract/results.ts';
import type { LoadSpec, Phase, PhaseExtent } from '../contract/scenario.ts';
import { type DriverContext, type LoadStep, type PhaseDriver, phaseKindOf } from '../scenario/phaseKinds/index.ts';
import { passiveDriver } from '../scenario/phaseKinds/common.ts';
import { probeReady } from './readiness.ts';
import type { RunningTarget } from './target.ts';

export interface PhaseRunContext extends Omit<DriverContext, 'ready'> {
  target: RunningTarget;
  signal: AbortSignal;
  /** The newest system sample (server CPU/RSS, GPU), attached to each `second` event for the dashboard. */
  latestSystem?: () => SystemSample | undefined;
  /** Keep each second's encoded histogram in its row (agents). */
  secondHistograms?: boolean;
}

export interface PhaseOutcome {
  result: PhaseResult;
  rows: SecondRow[];
}

/** The loads of a phase: its kind's steps (a ramp's), or its one load for its extent. */
function stepsOf(phase: Phase): LoadStep[] {
  const steps = phaseKindOf(phase).loadSteps?.(phase);
  if (steps) return steps;
  const { load } = phase as Extract<Phase, { load: LoadSpec }>;
  return [{ load, extent: { duration_s: phase.duration_s, requests: phase.requests } }];
}

/** The phase's driver; a kind without one sends the scenario's requests to the target and has no verdict. */
async function driverFor(ctx: PhaseRunContext, phase: Phase): Promise<PhaseDriver> {
  const driver = phaseKindOf(phase).driver;
  const driverContext = { ...ctx, ready: () => probeReady(ctx.target.origin, ctx.target.protocol) };
  return driver ? driver(driverContext, phase) : passiveDriver(driverContext, async () => undefined);
}

/** No requests at all (an agent's share of a phase can be nothing: 2 connections over 3 agents). */
function isIdleLoad(load: LoadSpec): boolean {
  return load.mode === 'open' ? load.rate === 0 : load.connections === 0;
}

/** An agent whose share of a step is nothing waits out the step's duration, so its next phase starts with the others'. */
function idleFor(extent: PhaseExtent, signal: AbortSignal): Promise<void> {
  const ms = extent.requests === 0 || extent.duration_s === undefined ? 0 : extent.duration_s * 1000;
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function executePhase(ctx: PhaseRunContext, phase: Phase, index: number): Promise<PhaseOutcome> {
  const startedUs = performance.now() * 1000;
  const startedS = (startedUs - ctx.runStartUs) / 1e6;
  ctx.emit({ type: 'phase-start', index, total: ctx.scenario.phases.length, phase, plannedSeconds: plannedSeconds(phase), atS: startedS });
  const recorder = new LatencyRecorder({ phase: phase.name, runStartUs: ctx.runStartUs, phaseStartUs: startedUs, secondHistograms: ctx.secondHistograms });
  const driver = await driverFor(ctx, phase);
  const metricsBefore = await scrapeMetrics(ctx.target.metricsUrl);

  const stopSeconds = emitSeconds(recorder, { phase: phase.name, runStartUs: ctx.runStartUs, emit: ctx.emit, latestSystem: ctx.latestSystem });

  const summaries: LoadRunSummary[] = [];
  const nextRequest = driver.nextRequest ?? ctx.validRequest;
  try {
    driver.begin(startedUs);
    for (const step of stepsOf(phase)) {
      if (ctx.signal.aborted) break;
      if (isIdleLoad(step.load)) {
        await idleFor(step.extent, ctx.signal);
        continue;
      }
      summaries.push(
        await runLoad({
          origin: driver.origin,
          load: step.load,
          extent: step.extent,
          nextRequest,
          timeoutMs: ctx.scenario.request_timeout_ms,
          sink: fanOut(recorder, ...driver.sinks),
          signal: ctx.signal,
          misbehaviour: driver.misbehaviour,
        }),
      );
    }
  } finally {
    stopSeconds();
  }

  const durationS = (performance.now() * 1000 - startedUs) / 1e6;
  const measured = recorder.phaseSummary();
  const verdict = await driver.finish({ ...measured, started_s: startedS, duration_s: durationS });
  const metricsAfter = metricsBefore ? await scrapeMetrics(ctx.target.metricsUrl) : null;
  const saturation = summaries.find((s) => s.saturation)?.saturation;
  const lastLoad = stepsOf(phase).at(-1)!.load;
  const result: PhaseResult = {
    name: phase.name,
    kind: phase.kind,
    counted: phase.kind !== 'warmup',
    started_s: startedS,
    duration_s: durationS,
    load: lastLoad.mode === 'open' ? { mode: 'open', rate: lastLoad.rate } : { mode: 'closed', connections: lastLoad.connections },
    ...measured,
    throughput_rps: durationS > 0 ? measured.requests.ok / durationS : 0,
    ...(summaries.length === 1 && summaries[0].achievedSendRate !== undefined ? { send_rate: Math.round(summaries[0].achievedSendRate * 1000) / 1000 } : {}),
    ...(metricsBefore && metricsAfter ? { server: summarizeServerSide(metricsBefore, metricsAfter, { model: ctx.scenario.model.name }) } : {}),
    ...(verdict ? { verdict } : {}),
    ...(saturation ? { saturation } : {}),
  };
  ctx.emit({ type: 'phase-end', atS: (performance.now() * 1000 - ctx.runStartUs) / 1e6, result });
  return { result, rows: recorder.secondRows(phase.name, performance.now() * 1000) };
}

/** Fans one sample out to several sinks (recorder, timeline, tallies). */
function fanOut(...sinks: SampleSink[]): SampleSink {
  return { record: (sample) => sinks.forEach((s) => s.record(sample)) };
}
