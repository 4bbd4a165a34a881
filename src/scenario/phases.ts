// Phases as written -> the runner's Phase objects: the fields every phase has read here, each
// kind's own by its module (phaseKinds/), then what holds across phases (names are unique, a
// shutdown comes last).
import { type FieldPath, formatPath, type Problems } from './errors.ts';
import { readDuration, readThresholds } from './fields.ts';
import type { PhaseInput } from './input.ts';
import type { Phase, PhaseKind } from '../contract/scenario.ts';
import { phaseKindOf } from './phaseKinds/index.ts';
import type { UnnamedPhase } from './phaseKinds/kind.ts';

export interface PhaseContext {
  problems: Problems;
  model: string;
  /** The classes of the model's malformed corpus; undefined when it has none (names then unchecked). */
  malformedClasses: () => readonly string[] | undefined;
  /** Whether the harness can signal the server process (embedded, or url with pid). */
  signalable: boolean;
}

/**
 * A phase's own resolution: the fields every kind shares are read here (in this order, so that
 * problems come out in the same order whatever the kind), the rest by its kind's module.
 */
function resolvePhase(raw: PhaseInput, path: FieldPath, ctx: PhaseContext): UnnamedPhase | undefined {
  const { problems } = ctx;
  const duration = readDuration(raw, 'duration', 'duration_s', path, problems, { positive: true });
  const extent = {
    ...(duration.value !== undefined ? { duration_s: duration.value } : {}),
    ...(raw.requests !== undefined ? { requests: raw.requests } : {}),
  };
  const thresholds = readThresholds(raw.thresholds, [...path, 'thresholds'], problems);
  return phaseKindOf(raw.kind).resolve({ raw, path, ctx, duration, extent, thresholds });
}

/** Explicit names must be unique; the others are named by kind: steady, steady-2, steady-3. */
function phaseNames(raw: readonly PhaseInput[], problems: Problems): string[] {
  const taken = new Map<string, number>();
  raw.forEach((phase, i) => {
    if (phase.name === undefined) return;
    const first = taken.get(phase.name);
    if (first !== undefined) problems.add(['phases', i, 'name'], `"${phase.name}" is already the name of ${formatPath(['phases', first])}`);
    else taken.set(phase.name, i);
  });
  const counters = new Map<PhaseKind, number>();
  return raw.map((phase, i) => {
    if (phase.name !== undefined) return phase.name;
    let n = counters.get(phase.kind) ?? 0;
    let name: string;
    do {
      n += 1;
      name = n === 1 ? phase.kind : `${phase.kind}-${n}`;
    } while (taken.has(name));
    counters.set(phase.kind, n);
    taken.set(name, i);
    return name;
  });
}

export function resolvePhases(raw: readonly PhaseInput[], ctx: PhaseContext): Phase[] {
  const names = phaseNames(raw, ctx.problems);
  const phases: Phase[] = [];
  raw.forEach((input, i) => {
    if (input.kind === 'shutdown' && i < raw.length - 1) {
      ctx.problems.add(['phases', i], `a shutdown phase stops the server, so it must be the last phase (${formatPath(['phases', i + 1])} follows)`);
    }
    const phase = resolvePhase(input, ['phases', i], ctx);
    // name and kind first: results.json is read by people too.
    if (phase) phases.push(Object.assign({ name: names[i], kind: phase.kind }, phase) as Phase);
  });
  return phases;
}

/** Seconds of load a phase plans, or undefined when it ends by a request count or a signal. */
export function plannedSeconds(phase: Phase): number | undefined {
  if (phase.kind === 'ramp') return phase.steps.reduce((sum, step) => sum + step.duration_s, 0);
  return phase.duration_s;
}
