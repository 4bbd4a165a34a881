// The gate as markdown for CI summaries ($GITHUB_STEP_SUMMARY, a PR comment): the verdict in the
// heading, a table of rules with the numbers, thresholds, warnings, and the machines in a fold.
import type { GateVerdict } from '../analyze/gate.ts';
import { formatThresholdValue, type ThresholdUnit } from '../scenario/thresholds.ts';
import type { GateOutcome, SideInfo } from './evaluate.ts';
import { confidenceLabel, describeMachine, describeSide, formatChange, formatInterval, formatMetric, formatSpread } from './format.ts';

const ICON: Record<GateVerdict, string> = { regressed: '❌', inconclusive: '❔', improved: '🚀', 'no change': '✅' };

/** A table cell: pipes and line breaks would end the cell or the row. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

function machineRows(label: string, side: SideInfo): string[] {
  const e = side.environment;
  return [row([label, describeSide(side), describeMachine(side), e.os ?? '', e.servebench ?? ''])];
}

export function renderMarkdown(outcome: GateOutcome): string {
  const out: string[] = [`## ${outcome.passed ? '✅' : '❌'} servebench gate: ${outcome.scenario}`, '', `**${outcome.summary}**`, ''];
  if (outcome.rules.length > 0) {
    out.push(row(['rule', 'baseline', 'current', 'change', confidenceLabel(outcome.config.confidence), 'spread (base / current)', 'verdict']));
    out.push('|---|---:|---:|---:|---:|---:|---|');
    for (const r of outcome.rules) {
      out.push(row([
        `\`${r.rule.expression}\``,
        formatMetric(r.rule.metric, r.baseline.median),
        formatMetric(r.rule.metric, r.current.median),
        formatChange(r.change.kind, r.change.estimate),
        formatInterval(r.change),
        formatSpread(r),
        `${ICON[r.verdict]} ${r.verdict}`,
      ]));
    }
    out.push('', `Medians of ${outcome.current.repeats} current and ${outcome.baseline?.repeats ?? 0} baseline repeats; spread is (max − min) / median.`, '');
    for (const r of outcome.rules) out.push(`- ${ICON[r.verdict]} ${r.reason}`);
  } else {
    out.push(`Rules not compared (no baseline yet): ${outcome.config.rules.map((r) => `\`${r}\``).join(', ')}.`);
  }
  if (outcome.thresholds.length > 0) {
    out.push('', row(['threshold', outcome.config.thresholds_on === 'median' ? 'median of the repeats' : 'worst repeat', 'result']), '|---|---:|---|');
    for (const t of outcome.thresholds) {
      const value = t.actual === null ? 'not measured' : formatThresholdValue(t.actual, t.unit as ThresholdUnit);
      out.push(row([`\`${t.expression}\`${t.scope === '*' ? '' : ` (phase ${t.scope})`}`, value, t.passed ? '✅ passed' : '❌ failed']));
    }
  }
  if (outcome.verdicts.length > 0) {
    out.push('', ...outcome.verdicts.map((v) => `- ${v.passed ? '✅' : '❌'} **${v.kind}**: ${v.summary}`));
  }
  if (outcome.warnings.length > 0) {
    out.push('', '> [!WARNING]', ...outcome.warnings.map((w) => `> ${w}  `));
  }
  if (outcome.baseline_update) out.push('', `Baseline: ${outcome.baseline_update.reason}`);
  out.push('', '<details><summary>Machines</summary>', '', row(['', 'repeats', 'machine', 'os', 'servebench']), '|---|---|---|---|---|');
  out.push(...machineRows('current', outcome.current));
  if (outcome.baseline) out.push(...machineRows('baseline', outcome.baseline));
  out.push('', '</details>', '');
  return out.join('\n');
}
