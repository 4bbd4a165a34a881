// The gate's summary for a terminal or a CI log: the verdict first, then each rule with the
// numbers behind it, the thresholds, and anything that makes the comparison doubtful.
import type { GateOutcome } from './evaluate.ts';
import { confidenceLabel, describeMachine, describeSide, formatChange, formatInterval, formatMetric, formatSpread, textTable } from './format.ts';

export function renderText(outcome: GateOutcome): string {
  const lines: string[] = [`servebench gate: ${outcome.scenario}: ${outcome.summary}`];
  lines.push(`current:  ${describeSide(outcome.current)} on ${describeMachine(outcome.current)}`);
  if (outcome.baseline) lines.push(`baseline: ${describeSide(outcome.baseline)} on ${describeMachine(outcome.baseline)}`);
  lines.push('');
  if (outcome.rules.length > 0) {
    const header = ['rule', 'baseline', 'current', 'change', confidenceLabel(outcome.config.confidence), 'spread b/c', 'verdict'];
    const rows = outcome.rules.map((r) => [
      r.rule.expression,
      formatMetric(r.rule.metric, r.baseline.median),
      formatMetric(r.rule.metric, r.current.median),
      formatChange(r.change.kind, r.change.estimate),
      formatInterval(r.change),
      formatSpread(r),
      r.verdict,
    ]);
    lines.push(...textTable([header, ...rows]));
    lines.push('(baseline and current: medians of the repeats; spread: (max - min) / median of each side)');
    for (const r of outcome.rules) lines.push(`  ${r.verdict === 'regressed' ? 'x' : r.verdict === 'inconclusive' ? '?' : '-'} ${r.reason}`);
  } else {
    lines.push(`rules: not compared (no baseline yet): ${outcome.config.rules.join('; ')}`);
  }
  if (outcome.thresholds.length > 0) {
    lines.push('', `thresholds (${outcome.config.thresholds_on === 'median' ? 'median of the repeats' : 'every repeat'}):`);
    for (const t of outcome.thresholds) lines.push(`  ${t.passed ? 'ok' : 'FAILED'}  ${t.message}`);
  }
  if (outcome.verdicts.length > 0) {
    lines.push('', 'verdicts (every repeat):');
    for (const v of outcome.verdicts) lines.push(`  ${v.passed ? 'ok' : 'FAILED'}  ${v.kind}: ${v.summary}`);
  }
  if (outcome.warnings.length > 0) {
    lines.push('', 'warnings:');
    for (const w of outcome.warnings) lines.push(`  ! ${w}`);
  }
  if (outcome.baseline_update) lines.push('', `baseline: ${outcome.baseline_update.reason}`);
  lines.push('', `${outcome.passed ? 'gate passed' : 'gate FAILED'} (exit ${outcome.exit_code})${outcome.failures.length > 0 ? ':' : ''}`);
  for (const f of outcome.failures) lines.push(`  ${f}`);
  return `${lines.join('\n')}\n`;
}
