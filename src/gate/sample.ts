// One repeat of a gated scenario, reduced to what a gate compares and checks: the totals over the
// counted phases (gateSampleOf), the runner's own threshold values, and the phases' verdicts.
import { createHash } from 'node:crypto';
import { gateSampleOf, type GateSample } from '../analyze/gate.ts';
import { median } from '../analyze/stats.ts';
import type { RunResults } from '../contract/results.ts';
import type { Scenario } from '../contract/scenario.ts';

export interface RepeatThreshold {
  expression: string;
  /** Phase name, or `*` for all counted phases (as in results.json). */
  scope: string;
  unit: string;
  /** The value the runner measured for this threshold; null when it could not be evaluated. */
  actual: number | null;
  passed: boolean;
}

export interface RepeatSample extends GateSample {
  run_id: string;
  started_at: string;
  duration_s: number;
  /** Valid requests over the counted phases. */
  requests: number;
  exit_code: 0 | 1 | 2;
  thresholds: RepeatThreshold[];
  verdicts: { kind: string; passed: boolean; summary: string }[];
  warnings: string[];
  /** Cores other processes used during the counted phases (see backgroundCores); absent when not measurable. */
  background_cores?: number;
}

export function repeatSampleOf(results: RunResults): RepeatSample {
  const background = backgroundCores(results);
  const seconds = (Date.parse(results.finished_at) - Date.parse(results.started_at)) / 1000;
  return {
    ...gateSampleOf(results),
    run_id: results.run_id,
    started_at: results.started_at,
    duration_s: Number.isFinite(seconds) ? Math.round(seconds * 1000) / 1000 : 0,
    requests: results.totals.requests,
    exit_code: results.exit_code,
    thresholds: results.thresholds.map(({ expression, scope, unit, actual, passed }) => ({ expression, scope, unit, actual, passed })),
    verdicts: results.verdicts.map(({ kind, passed, summary }) => ({ kind, passed, summary })),
    warnings: [...results.warnings],
    ...(background !== undefined ? { background_cores: background } : {}),
  };
}

/**
 * Cores used by other processes while the counted phases ran: the machine's CPU minus the server's
 * and the load generator's, median of the system samples. A neighbour's load, unlike a slower
 * server, does not show in the server's own CPU. Undefined when the server's CPU was not sampled
 * (a url target without a pid), since the server would then count as a neighbour.
 */
export function backgroundCores(results: Pick<RunResults, 'phases' | 'system' | 'environment'>): number | undefined {
  const windows = results.phases.filter((p) => p.counted).map((p) => [p.started_s, p.started_s + p.duration_s] as const);
  const cores = results.environment.cores;
  const values = results.system
    .filter((s) => windows.some(([from, to]) => s.t >= from && s.t <= to))
    .flatMap((s) => (s.machine_cpu_percent !== undefined && s.server_cpu_percent !== undefined && s.loadgen_cpu_percent !== undefined
      ? [Math.max(0, (s.machine_cpu_percent / 100) * cores - (s.server_cpu_percent + s.loadgen_cpu_percent) / 100)]
      : []));
  return values.length > 0 ? Math.round(median(values) * 100) / 100 : undefined;
}

/** JSON with object keys sorted, so equal content always hashes the same. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * sha256 of what the scenario measures: target, model, payload, phases, thresholds. Left out: the
 * name, description and gate section (they change no measurement) and the embedded models_dir,
 * which is an absolute path that differs between checkouts (CI vs a laptop).
 */
export function scenarioHash(scenario: Scenario): string {
  const { name: _name, description: _description, gate: _gate, ...measured } = scenario;
  const target = measured.target.kind === 'embedded' ? { ...measured.target, models_dir: undefined } : measured.target;
  return createHash('sha256').update(stableStringify({ ...measured, target })).digest('hex');
}
