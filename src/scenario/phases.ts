// Phases as written -> the runner's Phase objects: load shorthands expanded, durations
// normalised, defaults filled, and the checks a schema cannot express (a phase must end, a
// shutdown signal falls inside its phase, malformed classes exist, names are unique).
import { DEFAULTS } from './defaults.ts';
import { closest, describeValue, type FieldPath, formatPath, type Problems } from './errors.ts';
import { readDuration, readThresholds, readUnit, showDuration } from './fields.ts';
import type { LoadInput, PhaseInput } from './input.ts';
import type { LoadSpec, OpenLoad, Phase, PhaseKind, RampPhase } from '../contract/scenario.ts';
import { parsePercent, parseRatio, parseSize } from './units.ts';
import { formatDurationMs, formatNumber } from '../format/units.ts';

export interface PhaseContext {
  problems: Problems;
  model: string;
  /** The classes of the model's malformed corpus; undefined when it has none (names then unchecked). */
  malformedClasses: () => readonly string[] | undefined;
  /** Whether the harness can signal the server process (embedded, or url with pid). */
  signalable: boolean;
}

type Unnamed<P> = P extends Phase ? Omit<P, 'name'> : never;
type UnnamedPhase = Unnamed<Phase>;

const LOAD_KEYS = ['rate', 'connections', 'pipelining', 'max_in_flight'] as const;
const RATE_EXPECTED = 'expected a positive number (requests per second)';

/** The phase's load: its `load:` object or the shorthand fields on the phase itself. */
function resolveLoad(raw: PhaseInput, path: FieldPath, problems: Problems, openOnly: boolean): LoadSpec | undefined {
  const inline = LOAD_KEYS.filter((key) => raw[key] !== undefined);
  if (raw.load && inline.length > 0) {
    problems.add([...path, inline[0]], 'the phase also has load: give the load in one place');
    return undefined;
  }
  const src: LoadInput = raw.load ?? raw;
  const at = raw.load ? [...path, 'load'] : path;
  if (src.rate !== undefined && src.connections !== undefined) {
    problems.add(at, 'give rate (open loop) or connections (closed loop), not both');
    return undefined;
  }
  const inferred = src.rate !== undefined ? 'open' : src.connections !== undefined ? 'closed' : openOnly ? 'open' : 'closed';
  const mode = src.mode ?? inferred;
  if (openOnly && mode === 'closed') {
    problems.add([...at, src.connections !== undefined ? 'connections' : 'mode'], 'an overload phase is an open loop: give rate instead');
    return undefined;
  }
  const misplaced = (keys: readonly (keyof LoadInput)[], loop: string): void => {
    for (const key of keys) if (src[key] !== undefined) problems.add([...at, key], `only for ${loop} loop (this load is ${mode})`);
  };
  if (mode === 'open') {
    misplaced(['connections', 'pipelining'], 'a closed');
    if (src.rate === undefined) {
      problems.add([...at, 'rate'], `${RATE_EXPECTED} for an open loop, got nothing`);
      return undefined;
    }
    return { mode: 'open', rate: src.rate, max_in_flight: src.max_in_flight ?? DEFAULTS.max_in_flight };
  }
  misplaced(['rate', 'max_in_flight'], 'an open');
  return { mode: 'closed', connections: src.connections ?? DEFAULTS.connections, pipelining: src.pipelining ?? DEFAULTS.pipelining };
}

function resolveRamp(raw: PhaseInput, path: FieldPath, problems: Problems, durationS: number | undefined, durationKey?: string): Omit<RampPhase, 'name' | 'thresholds'> | undefined {
  if (!raw.steps) {
    problems.add([...path, 'steps'], 'expected a list of steps like [{rate: 100, duration: 10s}], got nothing');
    return undefined;
  }
  const first = raw.steps[0];
  const mode = raw.mode ?? (first.connections !== undefined && first.rate === undefined ? 'closed' : 'open');
  const key = mode === 'open' ? 'rate' : 'connections';
  const other = mode === 'open' ? 'connections' : 'rate';
  const steps: RampPhase['steps'] = [];
  let complete = true;
  raw.steps.forEach((step, i) => {
    const at = [...path, 'steps', i];
    if (step[other] !== undefined) problems.add([...at, other], `only for a ${mode === 'open' ? 'closed' : 'open'} ramp: the steps of an ${mode} ramp give ${key}`);
    else if (step[key] === undefined) problems.add([...at, key], `${mode === 'open' ? RATE_EXPECTED : 'expected an integer between 1 and 10000'}, got nothing`);
    const duration = readDuration(step, 'duration', 'duration_s', at, problems, { positive: true });
    if (duration.value === undefined && step.duration === undefined && step.duration_s === undefined) {
      problems.add([...at, 'duration'], 'expected a duration like 30s, 500ms or 2m, or a number of seconds, got nothing');
    }
    complete &&= duration.value !== undefined;
    steps.push({ [key]: step[key], duration_s: duration.value ?? 0 } as RampPhase['steps'][number]);
  });
  const total = Number(steps.reduce((sum, s) => sum + s.duration_s, 0).toPrecision(12));
  if (complete && durationS !== undefined && durationKey && Math.abs(durationS - total) > 1e-9) {
    problems.add([...path, durationKey], `expected the sum of the steps (${formatDurationMs(total * 1000)}) or nothing, got ${describeValue(raw[durationKey as keyof PhaseInput])}`);
  }
  return { kind: 'ramp', mode, steps, max_in_flight: raw.max_in_flight ?? DEFAULTS.max_in_flight, duration_s: total };
}

function resolveMix(raw: PhaseInput, path: FieldPath, ctx: PhaseContext): Record<string, number> {
  const { problems } = ctx;
  const mix: Record<string, number> = {};
  if (raw.mix === undefined) {
    problems.add([...path, 'mix'], 'expected a map of malformed class to percentage, like {invalid_json: 5}, got nothing');
    return mix;
  }
  const classes = ctx.malformedClasses();
  let total = 0;
  for (const [name, value] of Object.entries(raw.mix)) {
    const at = [...path, 'mix', name];
    if (classes && !classes.includes(name)) {
      const guess = closest(name, classes);
      problems.add(at, `unknown malformed class for model ${ctx.model}, ${guess ? `did you mean "${guess}"?` : `expected one of ${classes.join(', ')}`}`);
    }
    const percent = readUnit(value, parsePercent, at, problems);
    if (percent === undefined) continue;
    mix[name] = percent;
    total += percent;
  }
  if (total > 100 + 1e-9) problems.add([...path, 'mix'], `expected percentages that add up to at most 100, got ${formatNumber(total)}`);
  return mix;
}

function resolveShutdown(raw: PhaseInput, path: FieldPath, ctx: PhaseContext, durationS: number | undefined) {
  const { problems } = ctx;
  if (!ctx.signalable) problems.add(path, 'a shutdown phase signals the server process: use an embedded or command target, or give target.pid');
  if (durationS === undefined && raw.duration === undefined && raw.duration_s === undefined) {
    problems.add([...path, 'duration'], 'expected a duration like 6s for a shutdown phase (the signal is sent within it), got nothing');
  }
  const signalAt = readDuration(raw, 'signal_at', 'signal_at_s', path, problems);
  if (signalAt.value !== undefined && durationS !== undefined && signalAt.value >= durationS) {
    const key = signalAt.key ?? 'signal_at';
    problems.add([...path, key], `expected a time within the phase's ${showDuration(durationS, 'duration_s')}, got ${describeValue(raw[key as keyof PhaseInput])}`);
  }
  const drain = readDuration(raw, 'drain_deadline', 'drain_deadline_ms', path, problems, { positive: true });
  const stalled = raw.stalled_clients ?? 0;
  if (!Number.isInteger(stalled) || stalled < 0 || stalled > 10_000) problems.add([...path, 'stalled_clients'], `expected an integer between 0 and 10000, got ${describeValue(raw.stalled_clients)}`);
  return {
    kind: 'shutdown' as const,
    signal_at_s: signalAt.value ?? (durationS ?? 0) / 2,
    signal: raw.signal ?? DEFAULTS.signal,
    drain_deadline_ms: drain.value ?? DEFAULTS.drain_deadline_ms,
    stalled_clients: stalled,
  };
}

function resolveFlap(raw: PhaseInput, path: FieldPath, problems: Problems) {
  const down = readDuration(raw, 'down', 'down_ms', path, problems, { positive: true });
  const every = readDuration(raw, 'every', 'every_s', path, problems, { positive: true });
  const downMs = down.value ?? DEFAULTS.down_ms;
  const everyS = every.value ?? DEFAULTS.every_s;
  if (downMs >= everyS * 1000) {
    problems.add([...path, down.key ?? every.key ?? 'down'], `expected a cut shorter than the time between cuts (${showDuration(everyS, 'every_s')}), got ${formatDurationMs(downMs)}`);
  }
  return { kind: 'flap' as const, down_ms: downMs, every_s: everyS };
}

function resolveAborts(raw: PhaseInput, path: FieldPath, problems: Problems) {
  const share = (key: 'abort_share' | 'slow_share', fallback: number): number =>
    raw[key] === undefined ? fallback : (readUnit(raw[key], parseRatio, [...path, key], problems) ?? fallback);
  const abortShare = share('abort_share', DEFAULTS.abort_share);
  const slowShare = share('slow_share', DEFAULTS.slow_share);
  if (abortShare + slowShare > 1 + 1e-9) problems.add([...path, 'slow_share'], `expected abort_share + slow_share <= 1, got ${formatNumber(abortShare + slowShare)}`);
  let slowBytes: number = DEFAULTS.slow_bytes_per_s;
  if (raw.slow_bytes_per_s !== undefined) {
    const bytes = readUnit(raw.slow_bytes_per_s, parseSize, [...path, 'slow_bytes_per_s'], problems);
    if (bytes === 0) problems.add([...path, 'slow_bytes_per_s'], `expected a positive size, got ${describeValue(raw.slow_bytes_per_s)}`);
    slowBytes = bytes ?? slowBytes;
  }
  return { kind: 'aborts' as const, abort_share: abortShare, slow_share: slowShare, slow_bytes_per_s: slowBytes };
}

function resolveSlowClients(raw: PhaseInput, path: FieldPath, problems: Problems) {
  const clients = raw.clients ?? DEFAULTS.stalled_clients;
  if (!Number.isInteger(clients) || clients < 1 || clients > 10_000) problems.add([...path, 'clients'], `expected an integer between 1 and 10000, got ${describeValue(raw.clients)}`);
  const stall = raw.stall ?? DEFAULTS.stall;
  if (stall !== 'withhold' && stall !== 'trickle' && stall !== 'mixed') problems.add([...path, 'stall'], `expected withhold, trickle or mixed, got ${describeValue(raw.stall)}`);
  const cut = readDuration(raw, 'cut_within', 'cut_within_s', path, problems, { positive: true });
  return { kind: 'slow-clients' as const, clients, stall: stall as 'withhold' | 'trickle' | 'mixed', cut_within_s: cut.value ?? DEFAULTS.cut_within_s };
}

function resolvePhase(raw: PhaseInput, path: FieldPath, ctx: PhaseContext): UnnamedPhase | undefined {
  const { problems } = ctx;
  const duration = readDuration(raw, 'duration', 'duration_s', path, problems, { positive: true });
  const extent = {
    ...(duration.value !== undefined ? { duration_s: duration.value } : {}),
    ...(raw.requests !== undefined ? { requests: raw.requests } : {}),
  };
  const thresholds = readThresholds(raw.thresholds, [...path, 'thresholds'], problems);
  if (raw.kind === 'ramp') {
    const ramp = resolveRamp(raw, path, problems, duration.value, duration.key);
    return ramp && { ...extent, ...ramp, thresholds };
  }
  if (raw.duration === undefined && raw.duration_s === undefined && raw.requests === undefined && raw.kind !== 'shutdown') {
    problems.add(path, 'expected a duration (like 15s) or a request count (requests), got neither');
  }
  const load = resolveLoad(raw, path, problems, raw.kind === 'overload');
  if (!load) return undefined;
  const common = { ...extent, thresholds, load };
  switch (raw.kind) {
    case 'warmup':
    case 'steady':
      return { ...common, kind: raw.kind };
    case 'overload':
      return { ...common, kind: 'overload', load: load as OpenLoad };
    case 'malformed':
      return { ...common, kind: 'malformed', mix: resolveMix(raw, path, ctx) };
    case 'shutdown':
      return { ...common, ...resolveShutdown(raw, path, ctx, duration.value) };
    case 'flap':
      return { ...common, ...resolveFlap(raw, path, problems) };
    case 'aborts':
      return { ...common, ...resolveAborts(raw, path, problems) };
    case 'slow-clients':
      return { ...common, ...resolveSlowClients(raw, path, problems) };
  }
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
