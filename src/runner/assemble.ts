// Pure: from the measured phases to the run's totals, thresholds and exit code.
import { encodeHistogram, mergeHistograms, summarize, EMPTY_SUMMARY } from '../analyze/latency.ts';
import type { PhaseResult, RunResults, ThresholdResult, Verdict } from '../contract/results.ts';
import { evaluateThreshold, parseThreshold, type ObservedMetrics } from '../scenario/thresholds.ts';
import type { Scenario } from '../contract/scenario.ts';

/**
 * Error rate over valid requests only: malformed requests are meant to fail, and requests the
 * client dropped (open loop over its in-flight cap) count as failures the user must see.
 */
function validCounts(phase: PhaseResult): { sent: number; ok: number } {
  const valid = phase.requests.by_class?.valid;
  const counts = valid ?? phase.requests.outcomes;
  const sent = Object.values(counts).reduce((a, b) => a + b, 0);
  return { sent, ok: counts.ok ?? 0 };
}

function observed(phases: PhaseResult[]): { metrics: ObservedMetrics; histogram: string; requests: number; ok: number } {
  const histogram = mergeHistograms(phases.map((p) => p.histogram));
  const latency = histogram.totalCount > 0 ? summarize(histogram) : EMPTY_SUMMARY;
  const p95 = histogram.totalCount > 0 ? histogram.getValueAtPercentile(95) : undefined;
  const counts = phases.map(validCounts).reduce((a, c) => ({ sent: a.sent + c.sent, ok: a.ok + c.ok }), { sent: 0, ok: 0 });
  const seconds = phases.reduce((a, p) => a + p.duration_s, 0);
  const okAll = phases.reduce((a, p) => a + p.requests.ok, 0);
  return {
    metrics: { latency_us: { ...latency, ...(p95 !== undefined ? { p95 } : {}) }, error_rate: counts.sent > 0 ? 1 - counts.ok / counts.sent : 0, throughput_rps: seconds > 0 ? okAll / seconds : 0 },
    histogram: encodeHistogram(histogram),
    requests: counts.sent,
    ok: counts.ok,
  };
}

export function totalsOf(phases: PhaseResult[]): RunResults['totals'] {
  const counted = phases.filter((p) => p.counted);
  const { metrics, histogram, requests, ok } = observed(counted);
  return { requests, ok, error_rate: metrics.error_rate, throughput_rps: metrics.throughput_rps, latency_us: metrics.latency_us, histogram };
}

/** Scenario thresholds over every counted phase; each phase's own thresholds over that phase. */
export function evaluateThresholds(scenario: Scenario, phases: PhaseResult[]): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  const counted = phases.filter((p) => p.counted);
  if (scenario.thresholds.length > 0) {
    const { metrics } = observed(counted);
    for (const expr of scenario.thresholds) results.push(evaluateThreshold(parseThreshold(expr), metrics, '*'));
  }
  for (const phaseSpec of scenario.phases) {
    const phase = phases.find((p) => p.name === phaseSpec.name);
    for (const expr of phaseSpec.thresholds) {
      const threshold = parseThreshold(expr);
      if (!phase) {
        results.push({ expression: expr, scope: phaseSpec.name, actual: null, unit: threshold.unit, passed: false, message: `${expr}: phase ${phaseSpec.name} did not run: FAILED` });
        continue;
      }
      results.push(evaluateThreshold(threshold, observed([phase]).metrics, phase.name));
    }
  }
  return results;
}

export function exitCodeOf(thresholds: ThresholdResult[], verdicts: Verdict[]): 0 | 1 {
  return thresholds.every((t) => t.passed) && verdicts.every((v) => v.passed) ? 0 : 1;
}
