// Pure: a soak's folder contents (meta + journal) -> the versioned RunResults with its `soak`
// section. The same function serves a soak that finished and one rebuilt after a kill, so the
// two can never disagree about what the data says.
import { encodeHistogram, summarize, type Histogram } from '../analyze/latency.ts';
import type { PhaseResult, RunResults, SecondRow, SystemSample, ThresholdResult, Verdict } from '../contract/results.ts';
import { RESULTS_SCHEMA } from '../contract/results.ts';
import { exitCodeOf, totalsOf } from '../runner/assemble.ts';
import { evaluateThreshold, parseThreshold } from '../scenario/thresholds.ts';
import { formatDurationMs } from '../format/units.ts';
import type { IntervalSample, JournalRecord, SoakMeta } from './journal.ts';
import { analyzeSoak } from './verdicts.ts';

export interface SoakFolderContents {
  meta: SoakMeta;
  samples: IntervalSample[];
  /** Latencies of every warm-up interval, and of every interval after the warm-up. */
  warmupHistogram: Histogram;
  soakHistogram: Histogram;
  segments: Extract<JournalRecord, { type: 'segment' }>[];
  warnings: string[];
  notes: string[];
  /** The end record of the last segment; absent when the soak was killed (or still runs). */
  end?: Extract<JournalRecord, { type: 'end' }>;
  /** Lines of soak.jsonl torn by a kill mid-write, dropped. */
  torn: number;
}

const show = (s: number): string => formatDurationMs(Math.round(s) * 1000);

function phaseOf(name: 'warmup' | 'soak', samples: IntervalSample[], histogram: Histogram, rate: number): PhaseResult {
  const outcomes: Record<string, number> = {};
  let sent = 0;
  let ok = 0;
  for (const s of samples) {
    sent += s.requests;
    ok += s.ok;
    for (const [outcome, n] of Object.entries(s.outcomes)) outcomes[outcome] = (outcomes[outcome] ?? 0) + n;
  }
  if (ok > 0) outcomes.ok = ok;
  const completed = ok + Object.entries(outcomes).filter(([o]) => o.startsWith('status_')).reduce((a, [, n]) => a + n, 0);
  const duration = samples.reduce((a, s) => a + s.span_s, 0);
  return {
    name,
    kind: name,
    counted: name === 'soak',
    started_s: samples.length > 0 ? samples[0].t - samples[0].span_s : 0,
    duration_s: duration,
    load: { mode: 'open', rate },
    requests: { sent, completed, ok, outcomes, by_class: { valid: { ...outcomes } } },
    throughput_rps: duration > 0 ? ok / duration : 0,
    latency_us: summarize(histogram),
    histogram: encodeHistogram(histogram),
  };
}

function rowOf(s: IntervalSample): SecondRow {
  return { t: Math.floor(s.t - s.span_s), phase: s.warmup ? 'warmup' : 'soak', requests: s.requests, ok: s.ok, errors: { ...s.outcomes }, p50_us: s.p50_us, p90_us: s.p90_us, p99_us: s.p99_us, max_us: s.max_us };
}

function systemOf(s: IntervalSample): SystemSample {
  const out: SystemSample = { t: s.t };
  if (s.machine_cpu_percent !== undefined) out.machine_cpu_percent = s.machine_cpu_percent;
  if (s.cpu_percent !== undefined) out.server_cpu_percent = s.cpu_percent;
  if (s.rss_bytes !== undefined) out.server_rss_bytes = s.rss_bytes;
  if (s.harness_cpu_percent !== undefined) out.loadgen_cpu_percent = s.harness_cpu_percent;
  if (s.harness_rss_bytes !== undefined) out.loadgen_rss_bytes = s.harness_rss_bytes;
  if (s.heap_used_bytes !== undefined) out.server_heap_used_bytes = s.heap_used_bytes;
  if (s.external_bytes !== undefined) out.server_external_bytes = s.external_bytes;
  return out;
}

/** Scenario-level thresholds (p99, error_rate, throughput) over the soak after its warm-up. */
function runThresholds(expressions: readonly string[], soak: PhaseResult | undefined, histogram: Histogram): ThresholdResult[] {
  const totals = totalsOf(soak ? [soak] : []);
  const p95 = histogram.totalCount > 0 ? histogram.getValueAtPercentile(95) : undefined;
  const observed = { latency_us: { ...totals.latency_us, ...(p95 !== undefined ? { p95 } : {}) }, error_rate: totals.error_rate, throughput_rps: totals.throughput_rps };
  return expressions.map((e) => evaluateThreshold(parseThreshold(e), observed, 'soak'));
}

function stopped(contents: SoakFolderContents, heldS: number): { exit?: 2; error?: string; verdict?: Verdict } {
  const { end, meta } = contents;
  const of = `${show(heldS)} of the ${show(meta.settings.duration_s)} planned`;
  if (!end) return { exit: 2, error: `the soak stopped without a final record after ${of} (killed, or still running): these results are from its partial data; servebench soak --resume continues it` };
  if (end.reason === 'interrupted') return { exit: 2, error: `interrupted after ${of}; servebench soak --resume continues it` };
  if (end.reason === 'error') return { exit: 2, error: `the soak failed after ${of}: ${end.detail ?? 'unknown error'}` };
  if (end.reason === 'server-exited') return { verdict: { kind: 'server-exit', passed: false, summary: `the server exited during the soak, after ${of}: ${end.detail ?? ''}`.trim(), details: { t: end.t } } };
  return {};
}

export function assembleSoakResults(contents: SoakFolderContents): RunResults {
  const { meta, samples } = contents;
  const rate = meta.settings.rate;
  const warm = samples.filter((s) => s.warmup);
  const steady = samples.filter((s) => !s.warmup);
  const phases = [
    ...(warm.length > 0 ? [phaseOf('warmup', warm, contents.warmupHistogram, rate)] : []),
    ...(steady.length > 0 ? [phaseOf('soak', steady, contents.soakHistogram, rate)] : []),
  ];
  const analysis = analyzeSoak(samples, { thresholds: meta.settings.thresholds, memoryLimitBytes: meta.memory_limit_bytes });
  const heldS = samples.at(-1)?.load_s ?? 0;
  const stop = stopped(contents, heldS);
  const verdicts = [...analysis.verdicts, ...(stop.verdict ? [stop.verdict] : [])];
  const thresholds = [...analysis.thresholds, ...runThresholds(meta.scenario.thresholds, phases.find((p) => p.counted), contents.soakHistogram)];
  const warnings = [...contents.warnings, ...(contents.torn > 0 ? [`${contents.torn} line(s) of soak.jsonl torn by a kill mid-write were dropped`] : [])];
  const lastT = Math.max(samples.at(-1)?.t ?? 0, contents.end?.t ?? 0);
  const notes = [
    meta.rate_source === 'probe' && meta.probe
      ? `rate ${rate}/s is ${Math.round(meta.probe.share * 100)}% of the capacity a ${meta.probe.duration_s.toFixed(1)} s closed-loop probe measured (${meta.probe.throughput_rps.toFixed(0)}/s with ${meta.probe.connections} connections)`
      : `rate ${rate}/s from the ${meta.rate_source === 'flag' ? '--rate flag' : "scenario's soak.rate"}`,
    ...(contents.segments.length > 1 ? [`resumed ${contents.segments.length - 1} time(s): at t = ${contents.segments.slice(1).map((s) => `${s.t.toFixed(0)}s`).join(', ')}; the time in between has no samples (a gap in t)`] : []),
    ...contents.notes,
    ...analysis.notes,
  ];
  return {
    schema: RESULTS_SCHEMA,
    run_id: meta.run_id,
    started_at: meta.started_at,
    finished_at: contents.end?.at ?? new Date(Date.parse(meta.started_at) + lastT * 1000).toISOString(),
    ...(meta.scenario_file ? { scenario_file: meta.scenario_file } : {}),
    scenario: meta.scenario,
    target: meta.target,
    ...(meta.server_config ? { server_config: meta.server_config } : {}),
    environment: meta.environment,
    phases,
    totals: totalsOf(phases),
    timeseries: samples.map(rowOf),
    system: samples.map(systemOf),
    verdicts,
    thresholds,
    warnings,
    notes,
    exit_code: stop.exit ?? exitCodeOf(thresholds, verdicts),
    ...(stop.error ? { error: stop.error } : {}),
    soak: {
      planned_duration_s: meta.settings.duration_s,
      duration_s: heldS,
      completed: contents.end?.completed === true,
      rate,
      interval_s: meta.settings.interval_s,
      warmup_s: meta.settings.warmup_s,
      samples: samples.map((s) => ({ ...s })),
      leak: analysis.leak,
      drift: analysis.drift,
      ...(analysis.harness_rss_growth_bytes !== undefined ? { harness_rss_growth_bytes: analysis.harness_rss_growth_bytes } : {}),
    },
  };
}
