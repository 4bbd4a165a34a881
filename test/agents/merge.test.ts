// The merge is exact: agents' histograms added give the percentiles of one histogram fed every
// sample, counts are sums, and a missing agent makes the run incomplete while keeping the others.
import { describe, expect, it } from 'vitest';
import { mergeAgentResults, mergeTimeseries, type AgentInput } from '../../src/agents/merge.ts';
import { scenarioShare } from '../../src/agents/shares.ts';
import { createLatencyHistogram, encodeHistogram, recordLatency, summarize } from '../../src/analyze/latency.ts';
import { mulberry32 } from '../../src/analyze/random.ts';
import type { PhaseResult, RunResults } from '../../src/contract/results.ts';
import { RESULTS_SCHEMA } from '../../src/contract/results.ts';
import { totalsOf } from '../../src/runner/assemble.ts';
import { parseScenario } from '../../src/scenario/load.ts';

const whole = parseScenario(
  {
    name: 'merge',
    target: { kind: 'url', url: 'http://127.0.0.1:9' },
    model: 'mlp',
    phases: [
      { kind: 'warmup', duration: '1s', connections: 2 },
      { kind: 'steady', name: 'open', duration: '2s', rate: 90 },
    ],
    thresholds: ['p99 < 50ms', 'error_rate < 1%'],
  },
  'merge.yaml',
);

function histogramOf(samples: number[]) {
  const h = createLatencyHistogram();
  for (const s of samples) recordLatency(h, s);
  return h;
}

function phaseOf(name: string, kind: string, counted: boolean, samples: number[], errors: number, rate: number, lagS: number): PhaseResult {
  const h = histogramOf(samples);
  const ok = samples.length - errors;
  return {
    name,
    kind,
    counted,
    started_s: (counted ? 1 : 0) + lagS,
    duration_s: counted ? 2 : 1,
    load: { mode: 'open', rate },
    requests: { sent: samples.length, completed: samples.length, ok, outcomes: { ok, ...(errors > 0 ? { status_503: errors } : {}) }, by_class: { valid: { ok, ...(errors > 0 ? { status_503: errors } : {}) } } },
    throughput_rps: ok / 2,
    send_rate: rate,
    latency_us: summarize(h),
    histogram: encodeHistogram(h),
  };
}

function agentResults(index: number, count: number, open: number[], errors: number, lagMs: number): RunResults {
  const share = scenarioShare(whole, { index, count });
  const phases = [phaseOf('warmup', 'warmup', false, [1000, 2000], 0, 1, 0), phaseOf('open', 'steady', true, open, errors, 90 / count, lagMs / 1000)];
  return {
    schema: RESULTS_SCHEMA,
    run_id: `agent-${index}`,
    started_at: `2026-12-07T10:00:0${index}.000Z`,
    finished_at: `2026-12-07T10:00:1${index}.000Z`,
    scenario: share.scenario,
    target: { kind: 'url', url: 'http://127.0.0.1:9', protocol: 'kserve-v2', model: 'mlp' },
    environment: { hostname: 'h', os: 'linux', cpu_model: 'c', cores: 2, memory_bytes: 1, node: 'v20', onnxruntime: '1', servebench: '0.1.0', gpus: [] },
    phases,
    totals: totalsOf(phases),
    timeseries: [{ t: 1, phase: 'open', requests: open.length, ok: open.length - errors, errors: errors > 0 ? { status_503: errors } : {}, p50_us: 0, p90_us: 0, p99_us: 0, max_us: 0, histogram: encodeHistogram(histogramOf(open)) }],
    system: [],
    verdicts: [],
    thresholds: [],
    warnings: [],
    notes: ['no GPU samples: nvidia-smi not found'],
    exit_code: 0,
    agent: { index, count, start_at: '2026-12-07T10:00:00.000Z', start_lag_ms: lagMs, clock: { source: 'none', note: 'test' }, drives: share.drives, whole_scenario: whole },
  };
}

/** Latencies with a long tail (lognormal-ish), in µs. */
function latencies(random: () => number, n: number): number[] {
  return Array.from({ length: n }, () => Math.round(200 * Math.exp(3 * random() * random()) + random() * 50_000 * (random() < 0.02 ? 1 : 0)));
}

describe('merging agents', () => {
  it('gives the percentiles of one histogram fed every sample, and counts that are sums (property, seeded)', () => {
    const random = mulberry32(1800);
    for (let trial = 0; trial < 60; trial++) {
      const count = 1 + Math.floor(random() * 6);
      const perAgent = Array.from({ length: count }, () => latencies(random, Math.floor(random() * 400)));
      const errors = perAgent.map((s) => Math.floor(random() * Math.min(3, s.length + 1)));
      const inputs: AgentInput[] = perAgent.map((s, i) => ({ source: `a${i}`, results: agentResults(i, count, s, errors[i], random() * 10) }));
      // The order agents are given in does not matter.
      inputs.sort(() => random() - 0.5);
      const merged = mergeAgentResults(inputs, { runId: 'merged' });
      const all = summarize(histogramOf(perAgent.flat()));
      const open = merged.phases.find((p) => p.name === 'open')!;
      expect(open.latency_us).toEqual(all);
      expect(merged.totals.latency_us).toMatchObject(all);
      expect(open.requests.sent).toBe(perAgent.flat().length);
      expect(open.requests.outcomes.status_503 ?? 0).toBe(errors.reduce((a, b) => a + b, 0));
      expect(merged.totals.requests).toBe(perAgent.flat().length);
      expect(merged.timeseries[0].requests).toBe(perAgent.flat().length);
      const second = summarize(histogramOf(perAgent.flat()));
      expect(merged.timeseries[0]).toMatchObject({ p50_us: second.p50, p99_us: second.p99, max_us: second.max });
      expect(open.load.rate).toBeCloseTo(90, 6);
      expect(merged.agents!.agents.map((a) => a.requests)).toEqual(perAgent.map((s) => s.length));
    }
  });

  it('judges thresholds on the merged numbers, against the whole scenario', () => {
    const random = mulberry32(7);
    const merged = mergeAgentResults([0, 1, 2].map((i) => ({ source: `a${i}`, results: agentResults(i, 3, latencies(random, 300), 0, i) })), { runId: 'm' });
    expect(merged.thresholds.map((t) => t.expression)).toEqual(['p99 < 50ms', 'error_rate < 1%']);
    expect(merged.thresholds[0].actual).toBe(merged.totals.latency_us.p99);
    expect(merged.scenario).toBe(whole);
    expect(merged.agents).toMatchObject({ count: 3, complete: true, start_spread_ms: 2 });
    expect(merged.notes).toEqual(['agents 0, 1, 2: no GPU samples: nvidia-smi not found']);
  });

  it('names a missing agent, marks the run incomplete (exit 2) and keeps what the others measured', () => {
    const random = mulberry32(9);
    const a0 = latencies(random, 200);
    const a2 = latencies(random, 150);
    const merged = mergeAgentResults(
      [
        { source: 'out/0', results: agentResults(0, 3, a0, 0, 1) },
        { source: 'out/1', problem: 'no results.json in out/1 (killed or never finished)' },
        { source: 'out/2', results: agentResults(2, 3, a2, 0, 3) },
      ],
      { runId: 'm' },
    );
    expect(merged.exit_code).toBe(2);
    expect(merged.error).toMatch(/agent 1 missing/);
    expect(merged.agents!.complete).toBe(false);
    expect(merged.agents!.agents[1]).toMatchObject({ index: 1, status: 'missing', source: 'out/1' });
    expect(merged.warnings[0]).toMatch(/^agent 1 of 3 is missing/);
    expect(merged.totals.requests).toBe(a0.length + a2.length);
  });

  it('names an agent that saturated, and warns when agents started too far apart', () => {
    const random = mulberry32(11);
    const late = agentResults(1, 2, latencies(random, 50), 0, 80);
    late.phases[1].saturation = { reason: 'send lag p99 30.0 ms > 2.0 ms', maxLagMs: 40, cpuPercent: 95 };
    const merged = mergeAgentResults([{ source: 'a0', results: agentResults(0, 2, latencies(random, 50), 0, 0) }, { source: 'a1', results: late }], { runId: 'm' });
    expect(merged.phases[1].saturation?.reason).toBe('agent 1: send lag p99 30.0 ms > 2.0 ms');
    expect(merged.agents!.agents[1].saturated).toEqual(['open']);
    expect(merged.warnings.some((w) => /^agent 1 saturated \(open: send lag/.test(w))).toBe(true);
    expect(merged.warnings.some((w) => /started 80\.0 ms apart \(bound 50 ms\)/.test(w))).toBe(true);
  });

  it('refuses folders of different splits, and results that are not an agent\'s', () => {
    const random = mulberry32(3);
    expect(() => mergeAgentResults([{ source: 'a', results: agentResults(0, 2, latencies(random, 5), 0, 0) }, { source: 'b', results: agentResults(1, 3, latencies(random, 5), 0, 0) }], { runId: 'm' })).toThrow(/agent 1 of 3, but a is of 2/);
    const plain = { ...agentResults(0, 1, [], 0, 0), agent: undefined };
    expect(() => mergeAgentResults([{ source: 'run', results: plain }], { runId: 'm' })).toThrow(/no agent results/);
  });

  it('falls back to the worst agent\'s per-second percentiles, flagged, when one kept no histogram', () => {
    const row = { t: 0, phase: 'p', requests: 1, ok: 1, errors: {}, p50_us: 10, p90_us: 20, p99_us: 30, max_us: 40 };
    const { rows, exact } = mergeTimeseries([[row], [{ ...row, p99_us: 90 }]]);
    expect(exact).toBe(false);
    expect(rows[0]).toMatchObject({ requests: 2, p99_us: 90 });
  });
});
