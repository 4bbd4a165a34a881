// Numbers of a gate as every output shows them: latency as a duration, throughput per second,
// error rate in percent, changes signed. Shared by the text, markdown and JUnit renderers.
import type { GateMetric, RuleVerdict } from '../analyze/gate.ts';
import { formatDurationMs, formatNumber, formatPercent } from '../format/units.ts';
import type { SideInfo } from './evaluate.ts';

const DASH = '—';

/** A metric's value in its own unit: µs -> `12.3ms`, rps -> `200/s`, ratio -> `0.1%`. */
export function formatMetric(metric: GateMetric, value: number): string {
  if (!Number.isFinite(value)) return DASH;
  if (metric === 'throughput') return `${formatNumber(value, 1)}/s`;
  if (metric === 'error_rate') return formatPercent(value);
  return formatDurationMs(Number((value / 1000).toPrecision(4)));
}

/** A change: relative `+4.9%`, absolute (error_rate) `+0.10 pt`. */
export function formatChange(kind: 'relative' | 'absolute', x: number): string {
  if (!Number.isFinite(x)) return DASH;
  const percent = x * 100;
  const digits = Math.abs(percent) < 1 ? 2 : 1;
  const text = `${percent >= 0 ? '+' : ''}${percent.toFixed(digits)}`;
  return kind === 'relative' ? `${text}%` : `${text} pt`;
}

export function formatInterval(change: RuleVerdict['change']): string {
  if (!Number.isFinite(change.lower) || !Number.isFinite(change.upper)) return DASH;
  return `${formatChange(change.kind, change.lower)} to ${formatChange(change.kind, change.upper)}`;
}

/** The repeats' spread, (max - min) / median, of each side: `8% / 6%`. */
export function formatSpread(rule: RuleVerdict): string {
  const one = (s: RuleVerdict['baseline']) => (Number.isFinite(s.relativeSpread) ? `${Math.round(s.relativeSpread * 100)}%` : DASH);
  return `${one(rule.baseline)} / ${one(rule.current)}`;
}

export function confidenceLabel(confidence: number): string {
  return `${formatNumber(confidence * 100, 1)}% CI`;
}

/** `5 repeats, 2026-01-02T03:04:05Z, commit 1a2b3c4` */
export function describeSide(side: SideInfo): string {
  const commit = side.environment.git_commit ? `, commit ${side.environment.git_commit.slice(0, 7)}` : '';
  return `${side.repeats} repeat${side.repeats === 1 ? '' : 's'}, ${side.created_at.replace(/\.\d+Z$/, 'Z')}${commit}`;
}

export function describeMachine(side: SideInfo): string {
  const e = side.environment;
  const gib = e.memory_bytes ? `, ${formatNumber(e.memory_bytes / 2 ** 30, 1)} GiB` : '';
  return `${e.cpu_model}, ${e.cores} cores${gib}, node ${e.node}, onnxruntime ${e.onnxruntime}`;
}

/** Left-aligned columns separated by two spaces, for the terminal. */
export function textTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell + ' '.repeat(widths[c] - [...cell].length))).join('  ').trimEnd());
}
