// The gate as JUnit XML, the format CI systems read (Jenkins, GitLab, GitHub test reporters): one
// testsuite, one testcase per rule, per threshold and per verdict kind. A regression is a
// <failure> with the numbers; an inconclusive rule is <skipped> (undecided), or a <failure> when
// gate.fail_on_inconclusive is on. Follows the Ant/Jenkins schema: timestamp without zone,
// hostname, properties, testcases, then system-out.
import type { RuleVerdict } from '../analyze/gate.ts';
import type { GateOutcome, SideInfo } from './evaluate.ts';
import { confidenceLabel, formatChange, formatInterval, formatMetric } from './format.ts';

/** Escapes text and attribute values; drops characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

interface Case {
  classname: string;
  name: string;
  failure?: { type: string; message: string; body: string };
  skipped?: string;
}

function side(label: string, r: RuleVerdict['baseline'], metric: RuleVerdict['rule']['metric']): string {
  return `${label}: median ${formatMetric(metric, r.median)} (min ${formatMetric(metric, r.min)}, max ${formatMetric(metric, r.max)}, ${r.n} repeats)`;
}

function ruleCase(r: RuleVerdict, outcome: GateOutcome): Case {
  const body = [
    side('baseline', r.baseline, r.rule.metric),
    side('current', r.current, r.rule.metric),
    `change ${formatChange(r.change.kind, r.change.estimate)}, ${confidenceLabel(r.change.confidence)} ${formatInterval(r.change)}`,
  ].join('\n');
  const base = { classname: 'servebench.gate.rules', name: r.rule.expression };
  if (r.verdict === 'regressed') return { ...base, failure: { type: 'regressed', message: r.reason, body } };
  if (r.verdict === 'inconclusive') {
    return outcome.config.fail_on_inconclusive
      ? { ...base, failure: { type: 'inconclusive', message: r.reason, body } }
      : { ...base, skipped: `inconclusive: ${r.reason}` };
  }
  return base;
}

function cases(outcome: GateOutcome): Case[] {
  const rules = outcome.rules.length > 0
    ? outcome.rules.map((r) => ruleCase(r, outcome))
    : outcome.config.rules.map((name) => ({ classname: 'servebench.gate.rules', name, skipped: 'not compared: no baseline yet' }));
  const thresholds = outcome.thresholds.map((t): Case => ({
    classname: 'servebench.gate.thresholds',
    name: t.scope === '*' ? t.expression : `${t.expression} (phase ${t.scope})`,
    ...(t.passed ? {} : { failure: { type: 'threshold', message: t.message, body: `values by repeat: ${t.values.map((v) => (v === null ? 'not measured' : String(v))).join(', ')} (${t.unit})` } }),
  }));
  const verdicts = outcome.verdicts.map((v): Case => ({
    classname: 'servebench.gate.verdicts',
    name: v.kind,
    ...(v.passed ? {} : { failure: { type: 'verdict', message: v.summary, body: `failed in repeats ${v.failed_repeats.join(', ')}` } }),
  }));
  return [...rules, ...thresholds, ...verdicts];
}

function properties(outcome: GateOutcome): [string, string][] {
  const env = (prefix: string, s: SideInfo): [string, string][] => [
    [`${prefix}.repeats`, String(s.repeats)],
    [`${prefix}.created_at`, s.created_at],
    [`${prefix}.cpu_model`, s.environment.cpu_model],
    [`${prefix}.cores`, String(s.environment.cores)],
    [`${prefix}.node`, s.environment.node],
    [`${prefix}.onnxruntime`, s.environment.onnxruntime],
    ...(s.environment.git_commit ? [[`${prefix}.git_commit`, s.environment.git_commit] as [string, string]] : []),
  ];
  return [
    ['verdict', outcome.verdict],
    ['confidence', String(outcome.config.confidence)],
    ['thresholds_on', outcome.config.thresholds_on],
    ['fail_on_inconclusive', String(outcome.config.fail_on_inconclusive)],
    ...env('current', outcome.current),
    ...(outcome.baseline ? env('baseline', outcome.baseline) : []),
  ];
}

export function renderJunit(outcome: GateOutcome): string {
  const all = cases(outcome);
  const failures = all.filter((c) => c.failure).length;
  const skipped = all.filter((c) => c.skipped !== undefined).length;
  const time = outcome.current.duration_s.toFixed(3);
  const counts = `tests="${all.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}"`;
  // Ant's schema wants a local timestamp without zone or fraction.
  const timestamp = outcome.current.created_at.slice(0, 19);
  const hostname = outcome.current.environment.hostname || 'localhost';
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="servebench gate" ${counts}>`,
    `  <testsuite name="${escapeXml(`servebench gate: ${outcome.scenario}`)}" package="servebench.gate" id="0" ${counts} timestamp="${escapeXml(timestamp)}" hostname="${escapeXml(hostname)}">`,
    '    <properties>',
    ...properties(outcome).map(([name, value]) => `      <property name="${escapeXml(name)}" value="${escapeXml(value)}"/>`),
    '    </properties>',
  ];
  for (const c of all) {
    const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="0"`;
    if (c.failure) {
      out.push(`${open}>`, `      <failure type="${escapeXml(c.failure.type)}" message="${escapeXml(c.failure.message)}">${escapeXml(c.failure.body)}</failure>`, '    </testcase>');
    } else if (c.skipped !== undefined) {
      out.push(`${open}>`, `      <skipped message="${escapeXml(c.skipped)}"/>`, '    </testcase>');
    } else out.push(`${open}/>`);
  }
  const notes = [outcome.summary, ...outcome.warnings.map((w) => `warning: ${w}`)].join('\n');
  out.push(`    <system-out>${escapeXml(notes)}</system-out>`, '    <system-err/>', '  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}
