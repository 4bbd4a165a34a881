// Runs one phase: pick its requests, plug in its fault driver, drive the load (steps of a ramp
// one after another), and measure it: client-side histograms, server-side /metrics, the verdict.
import { runLoad } from '../load/engine.ts';
import { createMalformedMix } from '../load/malformed.ts';
import { corpusCasesFor } from '../load/malformedCorpus.ts';
import type { RequestTemplate, SampleSink } from '../load/types.ts';
import type { LoadRunSummary } from '../load/types.ts';
import { LatencyRecorder } from '../measure/latencyRecorder.ts';
import { emitSeconds } from './liveSeconds.ts';
import { scrapeMetrics } from '../measure/serverMetrics.ts';
import { summarizeServerSide } from '../measure/serverSide.ts';
import type { PhaseResult, SecondRow, SystemSample } from '../contract/results.ts';
import type { LoadSpec, Phase, PhaseExtent, Scenario } from '../contract/scenario.ts';
import { faultDriverFor, type FaultContext } from './phaseFaults.ts';

export interface PhaseRunContext extends FaultContext {
  scenario: Scenario;
  validRequest: () => RequestTemplate;
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

/** One load step: a ramp has several, every other phase one. */
interface LoadStep {
  load: LoadSpec;
  extent: PhaseExtent;
}

function stepsOf(phase: Phase): LoadStep[] {
  if (phase.kind === 'ramp') {
    return phase.steps.map((step) => ({
      load: phase.mode === 'open' ? { mode: 'open', rate: step.rate!, max_in_flight: phase.max_in_flight } : { mode: 'closed', connections: step.connections!, pipelining: 1 },
      extent: { duration_s: step.duration_s },
    }));
  }
  return [{ load: phase.load, extent: { duration_s: phase.duration_s, requests: phase.requests } }];
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

export function plannedSeconds(phase: Phase): number | undefined {
  if (phase.kind === 'ramp') return phase.steps.reduce((a, s) => a + s.duration_s, 0);
  return phase.duration_s;
}

function requestPicker(ctx: PhaseRunContext, phase: Phase): () => RequestTemplate {
  if (phase.kind !== 'malformed') return ctx.validRequest;
  const cases = corpusCasesFor(ctx.target.protocol);
  return createMalformedMix({ cases, mix: phase.mix, model: ctx.scenario.model.name, valid: ctx.validRequest, seed: ctx.scenario.payload.seed, protocol: ctx.target.protocol });
}

export async function executePhase(ctx: PhaseRunContext, phase: Phase, index: number): Promise<PhaseOutcome> {
  const startedUs = performance.now() * 1000;
  const startedS = (startedUs - ctx.runStartUs) / 1e6;
  ctx.emit({ type: 'phase-start', index, total: ctx.scenario.phases.length, phase, plannedSeconds: plannedSeconds(phase), atS: startedS });
  const recorder = new LatencyRecorder({ phase: phase.name, runStartUs: ctx.runStartUs, phaseStartUs: startedUs, secondHistograms: ctx.secondHistograms });
  const driver = await faultDriverFor(ctx, phase);
  const metricsBefore = await scrapeMetrics(ctx.target.metricsUrl);

  const stopSeconds = emitSeconds(recorder, { phase: phase.name, runStartUs: ctx.runStartUs, emit: ctx.emit, latestSystem: ctx.latestSystem });

  const summaries: LoadRunSummary[] = [];
  const nextRequest = requestPicker(ctx, phase);
  const misbehaviour = phase.kind === 'aborts' ? { abortShare: phase.abort_share, slowShare: phase.slow_share, slowBytesPerSecond: phase.slow_bytes_per_s, seed: ctx.scenario.payload.seed } : undefined;
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
          misbehaviour,
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
