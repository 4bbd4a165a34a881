// The gate's decision, pure: the relative rules (analyze/gate.ts: medians of the repeats, a
// bootstrap interval, regressed / improved / no change / inconclusive), the absolute thresholds and
// verdicts across the repeats, and what would make the comparison misleading (another machine, a
// changed scenario). Exit 0 pass, 1 fail; "could not run" (2) is an error before this point.
import { gate, type GateVerdict, type RuleVerdict } from '../analyze/gate.ts';
import { median } from '../analyze/stats.ts';
import type { EnvironmentInfo } from '../contract/results.ts';
import type { SampleSet } from './baseline.ts';
import { checkThresholds, checkVerdicts, type ThresholdCheck, type VerdictCheck } from './checks.ts';
import type { BusierMachine, GateConfig, ThresholdsOn } from './config.ts';

export interface SideInfo {
  created_at: string;
  repeats: number;
  scenario: string;
  scenario_hash: string;
  /** Seconds the repeats ran, together. */
  duration_s: number;
  environment: Omit<EnvironmentInfo, 'gpus'> & { gpus?: EnvironmentInfo['gpus'] };
}

export const GATE_OUTCOME_SCHEMA = 'servebench.gate-outcome/v1';

/** The decision (gate.json, --json): versioned like results.json, so CI scripts can read it. */
export interface GateOutcome {
  schema: typeof GATE_OUTCOME_SCHEMA;
  scenario: string;
  passed: boolean;
  exit_code: 0 | 1;
  /** The worst rule verdict; `no baseline` when there was nothing to compare with (first baseline). */
  verdict: GateVerdict | 'no baseline';
  /** One line a person reads first. */
  summary: string;
  /** One line per thing that failed the gate. */
  failures: string[];
  config: { rules: string[]; confidence: number; thresholds_on: ThresholdsOn; fail_on_inconclusive: boolean; busier_machine: BusierMachine };
  rules: RuleVerdict[];
  thresholds: ThresholdCheck[];
  verdicts: VerdictCheck[];
  warnings: string[];
  baseline?: SideInfo;
  current: SideInfo;
  /** Set by --update-baseline. */
  baseline_update?: { written: boolean; path: string; reason: string };
}

export interface GateInput {
  /** Undefined: no baseline yet (the first --update-baseline run): thresholds and verdicts only. */
  baseline?: SampleSet;
  current: SampleSet;
  config: GateConfig;
}

function sideInfo(set: SampleSet): SideInfo {
  const duration = set.repeats.reduce((a, r) => a + (r.duration_s ?? 0), 0);
  return {
    created_at: set.created_at,
    repeats: set.repeats.length,
    scenario: set.scenario.name,
    scenario_hash: set.scenario.hash,
    duration_s: Math.round(duration * 1000) / 1000,
    environment: set.environment,
  };
}

const machine = (e: EnvironmentInfo): string => `"${e.cpu_model}" with ${e.cores} core${e.cores === 1 ? '' : 's'}${e.hostname ? ` (${e.hostname})` : ''}`;

/**
 * Warnings about where the two sides were measured. Another CPU model or core count is another
 * machine: its latency says nothing about the change. Other differences (node, onnxruntime,
 * memory, OS) are named too. A different hostname alone is not: CI runners get a new one each job.
 */
export function compareEnvironments(baseline: EnvironmentInfo, current: EnvironmentInfo): string[] {
  if (baseline.cpu_model !== current.cpu_model || baseline.cores !== current.cores) {
    return [`different machine: the baseline was made on ${machine(baseline)}, this run is on ${machine(current)}; latency differences may come from the machine, not the change. Make the baseline on the kind of machine the gate runs on.`];
  }
  const changed = (['node', 'onnxruntime', 'memory_bytes', 'os'] as const)
    .filter((k) => baseline[k] !== undefined && current[k] !== undefined && baseline[k] !== current[k])
    .map((k) => `${k} ${baseline[k]} -> ${current[k]}`);
  return changed.length > 0 ? [`environment changed since the baseline: ${changed.join(', ')}`] : [];
}

/**
 * The current repeats' own warnings (generator saturated...), each kind once with the repeats it
 * came from: messages that differ only in their numbers are one warning (the first one's text).
 */
function repeatWarnings(current: SampleSet): string[] {
  const byKind = new Map<string, { message: string; repeats: number[] }>();
  current.repeats.forEach((r, i) => {
    for (const message of r.warnings ?? []) {
      const kind = message.replace(/\d+(\.\d+)?/g, '#');
      const entry = byKind.get(kind) ?? { message, repeats: [] };
      if (!entry.repeats.includes(i + 1)) entry.repeats.push(i + 1);
      byKind.set(kind, entry);
    }
  });
  return [...byKind.values()].map(({ message, repeats }) => `repeat${repeats.length === 1 ? '' : 's'} ${repeats.join(', ')}: ${message}`);
}

/** Clearly more CPU used by other processes: half a core, or a quarter of the machine if more. */
export function busyMargin(cores: number): number {
  return Math.max(0.5, cores / 4);
}

/**
 * A warning when other processes used clearly more CPU during the current repeats than during the
 * baseline's (medians of each repeat's background_cores): on a shared machine a neighbour's job,
 * not the change, may be what made p99 rise. Undefined when similar or not measured.
 */
export function busierMachine(baseline: SampleSet, current: SampleSet): string | undefined {
  const side = (set: SampleSet) => set.repeats.flatMap((r) => (r.background_cores === undefined ? [] : [r.background_cores]));
  const [before, now] = [side(baseline), side(current)];
  if (before.length === 0 || now.length === 0) return undefined;
  const [b, c] = [median(before), median(now)];
  const cores = current.environment.cores;
  if (c - b <= busyMargin(cores)) return undefined;
  return `the machine was busier: other processes used ${c.toFixed(1)} of ${cores} cores during the current repeats against ${b.toFixed(1)} during the baseline's; a rise may come from them, not the change`;
}

function worstVerdict(rules: readonly RuleVerdict[]): GateVerdict {
  for (const v of ['regressed', 'inconclusive', 'improved'] as const) if (rules.some((r) => r.verdict === v)) return v;
  return 'no change';
}

export function evaluateGate({ baseline, current, config }: GateInput): GateOutcome {
  const warnings: string[] = [];
  let rules: RuleVerdict[] = [];
  let verdict: GateOutcome['verdict'] = 'no baseline';
  if (baseline) {
    warnings.push(...compareEnvironments(baseline.environment, current.environment));
    if (baseline.scenario.hash !== current.scenario.hash) {
      warnings.push(`the scenario changed since the baseline was made (hash ${baseline.scenario.hash.slice(0, 12)} -> ${current.scenario.hash.slice(0, 12)}): the comparison measures the scenario change too; remake the baseline with --update-baseline`);
    }
    const report = gate(baseline.repeats, current.repeats, config.rules, { confidence: config.confidence });
    rules = report.rules;
    verdict = report.verdict;
    const busier = busierMachine(baseline, current);
    if (busier) {
      warnings.push(busier);
      if (config.busier_machine === 'inconclusive') {
        rules = rules.map((r) => (r.verdict === 'regressed' ? { ...r, verdict: 'inconclusive', reason: `${r.reason}, but ${busier.replace(/^the machine was busier: /, '')} (gate.busier_machine: inconclusive)` } : r));
        verdict = worstVerdict(rules);
      }
    }
  }
  warnings.push(...repeatWarnings(current));
  const thresholds = checkThresholds(current.repeats, config.thresholds_on);
  const verdicts = checkVerdicts(current.repeats);

  const failures = [
    ...rules.filter((r) => r.verdict === 'regressed').map((r) => `regressed: ${r.reason}`),
    ...(config.fail_on_inconclusive ? rules.filter((r) => r.verdict === 'inconclusive').map((r) => `inconclusive (gate.fail_on_inconclusive is on): ${r.reason}`) : []),
    ...thresholds.filter((t) => !t.passed).map((t) => `threshold: ${t.message}`),
    ...verdicts.filter((v) => !v.passed).map((v) => `${v.kind} verdict ${v.summary}`),
  ];
  const passed = failures.length === 0;
  return {
    schema: GATE_OUTCOME_SCHEMA,
    scenario: current.scenario.name,
    passed,
    exit_code: passed ? 0 : 1,
    verdict,
    summary: summaryLine(passed, verdict, rules, thresholds, verdicts),
    failures,
    config: { rules: config.rules.map((r) => r.expression), confidence: config.confidence, thresholds_on: config.thresholds_on, fail_on_inconclusive: config.fail_on_inconclusive, busier_machine: config.busier_machine },
    rules,
    thresholds,
    verdicts,
    warnings,
    ...(baseline ? { baseline: sideInfo(baseline) } : {}),
    current: sideInfo(current),
  };
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summaryLine(passed: boolean, verdict: GateOutcome['verdict'], rules: RuleVerdict[], thresholds: ThresholdCheck[], verdicts: VerdictCheck[]): string {
  const by = (v: GateVerdict) => rules.filter((r) => r.verdict === v).map((r) => r.rule.metric);
  const parts: string[] = [];
  if (verdict === 'no baseline') parts.push('no baseline to compare with');
  else {
    for (const v of ['regressed', 'inconclusive', 'improved', 'no change'] as const) {
      const metrics = by(v);
      if (metrics.length > 0) parts.push(`${metrics.join(', ')} ${v}`);
    }
  }
  const failedThresholds = thresholds.filter((t) => !t.passed).length;
  if (thresholds.length > 0) parts.push(failedThresholds > 0 ? `${failedThresholds} of ${count(thresholds.length, 'threshold')} failed` : `${count(thresholds.length, 'threshold')} met`);
  const failedVerdicts = verdicts.filter((v) => !v.passed).length;
  if (failedVerdicts > 0) parts.push(`${count(failedVerdicts, 'verdict')} failed`);
  return `${passed ? 'PASSED' : 'FAILED'}: ${parts.join('; ')}`;
}
