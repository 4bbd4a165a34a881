// Adds agents' results into one run, as if one machine had sent the whole load: histograms are
// added (HdrHistogram add is exact, so merged percentiles are those of every sample together),
// counters summed, thresholds judged on the merged numbers. Pure over results objects.
import { encodeHistogram, mergeHistograms, summarize, EMPTY_SUMMARY } from '../analyze/latency.ts';
import type { AgentSummary, AgentsSummary, PhaseResult, RunResults, SecondRow, Verdict } from '../contract/results.ts';
import { RESULTS_SCHEMA } from '../contract/results.ts';
import type { Phase } from '../contract/scenario.ts';
import { evaluateThresholds, exitCodeOf, totalsOf } from '../runner/assemble.ts';
import { DRIVEN_BY_AGENT_0, DRIVER_INDEX } from './shares.ts';
import { ServebenchError } from '../contract/errors.ts';
import { isSaturationWarning } from '../load/saturation.ts';

/** Agents starting further apart than this did not send one load together: the merged run warns. */
export const START_SPREAD_BOUND_MS = 50;

/** One agent's folder: its results, or why there are none. */
export interface AgentInput {
  source: string;
  results?: RunResults;
  /** Why results are absent (no results.json: killed, never started). */
  problem?: string;
  /** The index it was started as, when the caller knows it (local agents); else read from its results. */
  index?: number;
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

function phaseLoad(parts: PhaseResult[]): PhaseResult['load'] {
  const mode = parts[0].load.mode;
  if (mode === 'open') return { mode, rate: round3(parts.reduce((a, p) => a + (p.load.rate ?? 0), 0)) };
  return { mode, connections: parts.reduce((a, p) => a + (p.load.connections ?? 0), 0) };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Verdicts of passive phases (malformed, aborts...) were judged per agent on its share: passed when all passed. */
function mergedVerdict(parts: { index: number; phase: PhaseResult }[], driven: boolean): Verdict | undefined {
  const judged = parts.filter((p) => p.phase.verdict);
  if (judged.length === 0) return undefined;
  if (driven) {
    const v = judged.find((p) => p.index === DRIVER_INDEX)?.phase.verdict ?? judged[0].phase.verdict!;
    return { ...v, summary: `${v.summary} (driven by agent ${DRIVER_INDEX})`, details: { ...v.details, driven_by_agent: DRIVER_INDEX } };
  }
  const failed = judged.find((p) => !p.phase.verdict!.passed);
  const shown = failed ?? judged[0];
  const v = shown.phase.verdict!;
  return {
    kind: v.kind,
    passed: failed === undefined,
    summary: judged.length > 1 ? `agent ${shown.index}: ${v.summary}${failed ? '' : ` (all ${judged.length} agents passed)`}` : v.summary,
    details: { agents: judged.map((p) => ({ agent: p.index, passed: p.phase.verdict!.passed, summary: p.phase.verdict!.summary, details: p.phase.verdict!.details })) },
  };
}

function mergePhase(name: string, parts: { index: number; phase: PhaseResult }[], wholeKind: Phase['kind']): PhaseResult {
  // Agents that sat a driven phase out sent nothing in it: the driver's phase is the phase.
  const driven = DRIVEN_BY_AGENT_0.has(wholeKind);
  const sending = driven ? parts.filter((p) => p.index === DRIVER_INDEX) : parts;
  const used = sending.length > 0 ? sending : parts;
  const outcomes: Record<string, number> = {};
  const byClass: Record<string, Record<string, number>> = {};
  let sent = 0;
  let completed = 0;
  let ok = 0;
  for (const { phase } of used) {
    sent += phase.requests.sent;
    completed += phase.requests.completed;
    ok += phase.requests.ok;
    addCounts(outcomes, phase.requests.outcomes);
    for (const [cls, counts] of Object.entries(phase.requests.by_class ?? {})) addCounts((byClass[cls] ??= {}), counts);
  }
  const histogram = mergeHistograms(used.map((p) => p.phase.histogram));
  // Agents run concurrently: the phase spans from the first agent's start to the last one's end.
  const started = Math.min(...used.map((p) => p.phase.started_s));
  const ended = Math.max(...used.map((p) => p.phase.started_s + p.phase.duration_s));
  const duration = ended - started;
  const saturated = used.filter((p) => p.phase.saturation && p.phase.counted);
  const verdict = mergedVerdict(used, driven);
  const first = used[0].phase;
  return {
    name,
    kind: wholeKind,
    counted: first.counted,
    started_s: started,
    duration_s: duration,
    load: phaseLoad(used.map((p) => p.phase)),
    requests: { sent, completed, ok, outcomes, ...(Object.keys(byClass).length > 0 ? { by_class: byClass } : {}) },
    throughput_rps: duration > 0 ? ok / duration : 0,
    // Agents send at once: their achieved rates add up.
    ...(used.every((p) => p.phase.send_rate !== undefined) ? { send_rate: round3(used.reduce((a, p) => a + p.phase.send_rate!, 0)) } : {}),
    latency_us: histogram.totalCount > 0 ? summarize(histogram) : { ...EMPTY_SUMMARY },
    histogram: encodeHistogram(histogram),
    // Every agent scrapes the same server over the same interval: the driver's (or first) view stands for all.
    ...(first.server ? { server: (used.find((p) => p.index === DRIVER_INDEX) ?? used[0]).phase.server } : {}),
    ...(verdict ? { verdict } : {}),
    ...(saturated.length > 0
      ? {
          saturation: {
            reason: saturated.map((p) => `agent ${p.index}: ${p.phase.saturation!.reason}`).join('; '),
            maxLagMs: Math.max(...saturated.map((p) => p.phase.saturation!.maxLagMs)),
            cpuPercent: Math.max(...saturated.map((p) => p.phase.saturation!.cpuPercent)),
          },
        }
      : {}),
  };
}

/** Rows of the same second and phase added; percentiles from the added histograms (approximate, flagged, when an agent kept none). */
export function mergeTimeseries(perAgent: SecondRow[][]): { rows: SecondRow[]; exact: boolean } {
  const groups = new Map<string, SecondRow[]>();
  for (const rows of perAgent) for (const row of rows) {
    const key = `${row.phase}\u0000${row.t}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  let exact = true;
  const rows: SecondRow[] = [];
  for (const group of groups.values()) {
    const errors: Record<string, number> = {};
    for (const r of group) addCounts(errors, r.errors);
    const requests = group.reduce((a, r) => a + r.requests, 0);
    const withLatency = group.filter((r) => r.requests > 0);
    let latency: Pick<SecondRow, 'p50_us' | 'p90_us' | 'p99_us' | 'max_us' | 'histogram'>;
    if (withLatency.every((r) => r.histogram !== undefined)) {
      const h = mergeHistograms(withLatency.map((r) => r.histogram!));
      const s = h.totalCount > 0 ? summarize(h) : EMPTY_SUMMARY;
      latency = { p50_us: s.p50, p90_us: s.p90, p99_us: s.p99, max_us: s.max, histogram: encodeHistogram(h) };
    } else {
      // Older agents kept no per-second histograms: the worst agent's percentiles bound the merged ones from above.
      exact = false;
      const worst = (f: (r: SecondRow) => number) => Math.max(0, ...withLatency.map(f));
      latency = { p50_us: worst((r) => r.p50_us), p90_us: worst((r) => r.p90_us), p99_us: worst((r) => r.p99_us), max_us: worst((r) => r.max_us) };
    }
    rows.push({ t: group[0].t, phase: group[0].phase, requests, ok: group.reduce((a, r) => a + r.ok, 0), errors, ...latency });
  }
  rows.sort((a, b) => a.t - b.t);
  return { rows, exact };
}

/** The mean rate an agent's counted open-loop phases asked for. */
function askedOpenRate(results: RunResults): number | undefined {
  const open = results.phases.filter((p) => p.counted && p.load.mode === 'open');
  if (open.length === 0) return undefined;
  return round3(open.reduce((a, p) => a + (p.load.rate ?? 0), 0) / open.length);
}

function agentSummary(input: AgentInput, index: number): AgentSummary {
  const r = input.results;
  if (!r) return { index, status: 'missing', source: input.source, requests: 0, ok: 0, error_rate: 0, throughput_rps: 0, start_lag_ms: null, saturated: [], drives: [], error: input.problem ?? 'no results' };
  const askedRate = askedOpenRate(r);
  return {
    index,
    status: r.exit_code === 2 ? 'failed' : 'ok',
    source: input.source,
    ...(askedRate !== undefined ? { asked_rate: askedRate } : {}),
    requests: r.totals.requests,
    ok: r.totals.ok,
    error_rate: r.totals.error_rate,
    throughput_rps: r.totals.throughput_rps,
    start_lag_ms: r.agent?.start_lag_ms ?? null,
    ...(r.agent ? { clock: r.agent.clock } : {}),
    saturated: r.phases.filter((p) => p.saturation && p.counted).map((p) => p.name),
    drives: r.agent?.drives ?? [],
    exit_code: r.exit_code,
    ...(r.error ? { error: r.error } : {}),
  };
}

/** Which agent each input is, and how many there were: from the inputs' own records. */
function indexAgents(inputs: readonly AgentInput[]): { count: number; byIndex: Map<number, AgentInput> } {
  const withInfo = inputs.filter((i) => i.results?.agent);
  if (withInfo.length === 0) throw new ServebenchError('SB_ERR_MERGE', `no agent results among ${inputs.map((i) => i.source).join(', ')}: ${inputs.map((i) => `${i.source}: ${i.problem ?? 'not written by servebench agent (no agent section)'}`).join('; ')}`);
  const count = withInfo[0].results!.agent!.count;
  const byIndex = new Map<number, AgentInput>();
  for (const input of inputs) {
    const info = input.results?.agent;
    if (input.results && !info) throw new ServebenchError('SB_ERR_MERGE', `${input.source}: not an agent's results (no agent section); merge folders written by servebench agent`);
    if (info && info.count !== count) throw new ServebenchError('SB_ERR_MERGE', `${input.source}: agent ${info.index} of ${info.count}, but ${withInfo[0].source} is of ${count}; merge agents of one split`);
    if (info && info.whole_scenario.name !== withInfo[0].results!.agent!.whole_scenario.name) throw new ServebenchError('SB_ERR_MERGE', `${input.source}: scenario ${info.whole_scenario.name}, others ${withInfo[0].results!.agent!.whole_scenario.name}`);
    const index = info?.index ?? input.index;
    if (index === undefined) continue; // a folder without results and no known index: counted below as missing
    if (byIndex.has(index) && byIndex.get(index)!.results) throw new ServebenchError('SB_ERR_MERGE', `${input.source}: agent ${index} given twice (also ${byIndex.get(index)!.source})`);
    if (!byIndex.get(index)?.results) byIndex.set(index, input);
  }
  return { count, byIndex };
}

/** `agents 0, 2: text` once, where each agent would say the same text. */
function byText(perAgent: { index: number; lines: string[] }[]): string[] {
  const who = new Map<string, number[]>();
  for (const { index, lines } of perAgent) for (const line of lines) who.set(line, [...(who.get(line) ?? []), index]);
  return [...who.entries()].map(([line, indices]) => `agent${indices.length > 1 ? 's' : ''} ${indices.join(', ')}: ${line}`);
}

export interface MergeOptions {
  runId: string;
  spreadBoundMs?: number;
}

export function mergeAgentResults(inputs: readonly AgentInput[], options: MergeOptions): RunResults {
  const { count, byIndex } = indexAgents(inputs);
  const unplaced = inputs.filter((i) => !i.results && i.index === undefined);
  const bound = options.spreadBoundMs ?? START_SPREAD_BOUND_MS;
  const summaries: AgentSummary[] = [];
  for (let i = 0; i < count; i++) {
    const input = byIndex.get(i) ?? unplaced.shift() ?? { source: '(not given)', problem: `agent ${i} of ${count}: no folder given` };
    summaries.push(agentSummary(input, i));
  }
  const present = [...byIndex.entries()].filter(([, input]) => input.results).sort(([a], [b]) => a - b);
  const [, firstInput] = present[0];
  const first = firstInput.results!;
  const whole = first.agent!.whole_scenario;

  const phases: PhaseResult[] = [];
  for (const spec of whole.phases) {
    const parts = present.flatMap(([index, input]) => {
      const phase = input.results!.phases.find((p) => p.name === spec.name);
      return phase ? [{ index, phase }] : [];
    });
    if (parts.length > 0) phases.push(mergePhase(spec.name, parts, spec.kind));
  }
  const { rows, exact } = mergeTimeseries(present.map(([, input]) => input.results!.timeseries));

  const warnings: string[] = [];
  const notes: string[] = [];
  const missing = summaries.filter((s) => s.status === 'missing');
  const failed = summaries.filter((s) => s.status === 'failed');
  for (const s of missing) warnings.push(`agent ${s.index} of ${count} is missing (${s.error}): the merged numbers hold only the other agents' load`);
  for (const s of failed) warnings.push(`agent ${s.index} of ${count} could not run (${s.error ?? 'exit 2'})`);
  for (const s of summaries) {
    if (s.saturated.length === 0) continue;
    const reasons = present.find(([i]) => i === s.index)![1].results!.phases.filter((p) => s.saturated.includes(p.name)).map((p) => `${p.name}: ${p.saturation!.reason}`);
    warnings.push(`agent ${s.index} saturated (${reasons.join('; ')}): its share describes the client, not the server; add agents or give each a machine of its own`);
  }
  const lags = summaries.flatMap((s) => (s.start_lag_ms !== null ? [s.start_lag_ms] : []));
  const spread = lags.length > 0 ? round3(Math.max(...lags) - Math.min(...lags)) : null;
  if (spread !== null && spread > bound) warnings.push(`agents started ${spread.toFixed(1)} ms apart (bound ${bound} ms): the load did not arrive as one schedule`);
  const clocks = summaries.flatMap((s) => (s.clock?.offset_ms !== undefined ? [{ index: s.index, offset: s.clock.offset_ms, within: s.clock.uncertainty_ms ?? 0 }] : []));
  for (const c of clocks) if (Math.abs(c.offset) - c.within > bound) warnings.push(`agent ${c.index}'s clock is ${c.offset.toFixed(1)} ms off the target's (±${c.within.toFixed(1)}): T0 was a different instant for it; synchronise the machines' clocks (NTP)`);
  if (!exact) notes.push('some agents kept no per-second histograms: per-second percentiles in the timeseries are the worst agent\'s, not exact merges (phase and total percentiles are exact)');
  // The agents' own saturation warnings are the lines above, naming them; the rest is said once per text.
  warnings.push(...byText(present.map(([index, input]) => ({ index, lines: input.results!.warnings.filter((w) => !isSaturationWarning(w)) }))));
  notes.push(...byText(present.map(([index, input]) => ({ index, lines: input.results!.notes }))));

  const complete = missing.length === 0 && failed.length === 0;
  const verdicts = phases.flatMap((p) => (p.verdict ? [p.verdict] : []));
  const thresholds = evaluateThresholds(whole, phases);
  const markers = present.flatMap(([index, input]) => (input.results!.markers ?? []).map((m) => ({ ...m, detail: m.detail ? `${m.detail} (agent ${index})` : `agent ${index}` }))).sort((a, b) => a.t - b.t);
  const agents: AgentsSummary = { count, complete, start_at: first.agent!.start_at, start_spread_ms: spread, spread_bound_ms: bound, agents: summaries };
  const results = present.map(([, input]) => input.results!);
  return {
    schema: RESULTS_SCHEMA,
    run_id: options.runId,
    started_at: results.map((r) => r.started_at).sort()[0],
    finished_at: results.map((r) => r.finished_at).sort().at(-1)!,
    ...(first.scenario_file ? { scenario_file: first.scenario_file } : {}),
    scenario: whole,
    target: first.target,
    ...(first.server_config ? { server_config: first.server_config } : {}),
    environment: first.environment,
    phases,
    totals: totalsOf(phases),
    timeseries: rows,
    // Agent 0's samples: the machine and server as one agent saw them (each agent's own CPU is in its folder).
    system: first.system,
    verdicts,
    thresholds,
    ...(markers.length > 0 ? { markers } : {}),
    warnings,
    notes,
    exit_code: complete ? exitCodeOf(thresholds, verdicts) : 2,
    ...(!complete ? { error: `incomplete: ${[...missing.map((s) => `agent ${s.index} missing`), ...failed.map((s) => `agent ${s.index} failed`)].join(', ')} of ${count}; the merged numbers keep what the others measured` } : {}),
    agents,
  };
}
