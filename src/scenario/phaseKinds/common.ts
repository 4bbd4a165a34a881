// What phase kinds share: the fields every phase has (schema and resolution of its load), and
// the driver of a phase that only sends load to the target.
import type { LoadSpec } from '../../contract/scenario.ts';
import type { SystemSample } from '../../contract/results.ts';
import { DEFAULTS } from '../defaults.ts';
import type { FieldPath, Problems } from '../errors.ts';
import type { LoadInput, PhaseInput } from '../input.ts';
import { durationPair, int, type JsonSchema, name, oneOf, positive, thresholds, withMessage } from '../schemaParts.ts';
import type { DriverContext, PhaseDriver, PhaseResolution } from './kind.ts';

export const LOAD_FIELDS: Record<string, JsonSchema> = {
  rate: positive('Open loop: requests per second, sent on schedule whatever the answers (latency counted from the intended send time).'),
  connections: int(1, 10_000, `Closed loop: concurrent connections, each sending its next request when the previous answers. Default ${DEFAULTS.connections}.`),
  pipelining: int(1, 1024, `Closed loop: requests in flight per connection. Default ${DEFAULTS.pipelining}.`),
  max_in_flight: int(1, undefined, `Open loop: cap on outstanding requests; beyond it a request is counted as dropped by the client. Default ${DEFAULTS.max_in_flight}.`),
};

const LOAD = withMessage('a load like {mode: open, rate: 200} or {mode: closed, connections: 8}', {
  type: 'object',
  additionalProperties: false,
  description: 'How the load is generated. The same fields may be written directly on the phase (rate: 200, connections: 8).',
  properties: {
    mode: oneOf(['open', 'closed'], 'open: a fixed request rate; closed: a fixed number of connections. Inferred from rate/connections when omitted.'),
    ...LOAD_FIELDS,
  },
});

/** A kind's schema: the fields every phase has (its load unless `withLoad` is false), then its own. */
export function phaseSchema(kind: string, description: string, fields: Record<string, JsonSchema>, withLoad = true): JsonSchema {
  return {
    title: `${kind} phase`,
    description,
    properties: {
      kind: { const: kind },
      name: name('Phase name, unique in the scenario. Default: the kind, suffixed -2, -3 when repeated.'),
      ...durationPair('duration', 'duration_s', 'How long the phase runs (with requests: whichever ends first).'),
      requests: int(1, undefined, 'How many requests the phase sends (with duration: whichever ends first).'),
      thresholds: thresholds('Thresholds on this phase alone.'),
      ...(withLoad ? { load: LOAD, ...LOAD_FIELDS } : {}),
      ...fields,
    },
    additionalProperties: false,
  };
}

const LOAD_KEYS = ['rate', 'connections', 'pipelining', 'max_in_flight'] as const;
export const RATE_EXPECTED = 'expected a positive number (requests per second)';

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

/**
 * The fields of a phase that sends one load for its extent (every kind but ramp): its extent,
 * thresholds and load; undefined when the load cannot be read.
 */
export function loadPhase(input: PhaseResolution, options: { openOnly?: boolean; extentOptional?: boolean } = {}) {
  const { raw, path, ctx } = input;
  if (!options.extentOptional && raw.duration === undefined && raw.duration_s === undefined && raw.requests === undefined) {
    ctx.problems.add(path, 'expected a duration (like 15s) or a request count (requests), got neither');
  }
  const load = resolveLoad(raw, path, ctx.problems, options.openOnly ?? false);
  return load && { ...input.extent, thresholds: input.thresholds, load };
}

/** µs on the performance clock -> seconds on the run clock (for markers). */
export const atS = (ctx: DriverContext, us: number): number => (us - ctx.runStartUs) / 1e6;

/** The server's RSS samples during the phase (and 1.5 s either side), for growth checks. */
export function phaseRss(ctx: DriverContext, measured: { started_s: number; duration_s: number }): number[] {
  const [fromS, toS] = [measured.started_s - 1.5, measured.started_s + measured.duration_s + 1.5];
  return ctx.systemSamples().filter((s: SystemSample) => s.t >= fromS && s.t <= toS && s.server_rss_bytes !== undefined).map((s) => s.server_rss_bytes!);
}

/** Requests counted by outcome -> how many in all. */
export const sum = (counts: Record<string, number> | undefined): number => Object.values(counts ?? {}).reduce((a, b) => a + b, 0);

/** A driver that sends the scenario's load to the target and judges the phase after it. */
export function passiveDriver(ctx: DriverContext, verdict: PhaseDriver['finish'], extra: Partial<Pick<PhaseDriver, 'nextRequest' | 'misbehaviour'>> = {}): PhaseDriver {
  return { origin: ctx.target.origin, sinks: [], begin() {}, finish: verdict, ...extra };
}
