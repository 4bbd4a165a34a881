// What a phase kind is, as one module: its fields (a JSON Schema fragment), its resolution (the
// checks a schema cannot say, defaults filled), and how it runs (its driver, which gives the
// verdict). The runner hands a driver what the runner owns (the running target, a readiness
// probe), so a kind depends on the load generator and nothing above it.
import type { PhaseResult, SystemSample, Verdict } from '../../contract/results.ts';
import type { RunEvent } from '../../contract/events.ts';
import type { LoadSpec, Phase, PhaseExtent, Scenario } from '../../contract/scenario.ts';
import type { LoadRunOptions, RequestTemplate, SampleSink } from '../../load/types.ts';
import type { FieldPath } from '../errors.ts';
import type { PhaseInput } from '../input.ts';
import type { JsonSchema } from '../schemaParts.ts';
import type { PhaseContext } from '../phases.ts';

/** The resolved phase without its name (names are given across phases). */
export type UnnamedPhase<P extends Phase = Phase> = P extends Phase ? Omit<P, 'name'> : never;

/** What resolution hands a kind: the phase as written and the fields every kind shares, read already. */
export interface PhaseResolution {
  raw: PhaseInput;
  path: FieldPath;
  ctx: PhaseContext;
  /** `duration`/`duration_s` read (undefined when absent or wrong), and which of the two was given. */
  duration: { value?: number; key?: string };
  extent: PhaseExtent;
  thresholds: string[];
}

/** The server under test as a driver sees it (the runner's running target has these and more). */
export interface DriverTarget {
  origin: string;
  protocol: 'kserve-v2' | 'torchserve';
  /** Embedded and command targets: the process, for signals and its exit. */
  server?: {
    signal(signal: NodeJS.Signals): void;
    exited: Promise<{ code: number | null; atMs: number }>;
  };
}

export interface DriverContext {
  scenario: Scenario;
  target: DriverTarget;
  /** Whether the target answers ready now. */
  ready: () => Promise<boolean>;
  /** A valid request of the scenario (what a stalled client starts to send). */
  validRequest: () => RequestTemplate;
  /** Ctrl-C: a driver waiting on the server stops waiting. */
  signal?: AbortSignal;
  runStartUs: number;
  emit: (event: RunEvent) => void;
  /** System samples taken so far (for RSS before/after). */
  systemSamples: () => SystemSample[];
}

export interface PhaseDriver {
  /** Where the load goes (the flap proxy's address, or the target). */
  origin: string;
  sinks: SampleSink[];
  /** The requests sent, when not the scenario's valid one (a malformed mix). */
  nextRequest?: () => RequestTemplate;
  /** Clients that misbehave on some requests (hang up, trickle their body). */
  misbehaviour?: LoadRunOptions['misbehaviour'];
  /** Called when the load starts (µs on the run clock). */
  begin(startUs: number): void;
  /** Called when the load is over; returns the phase verdict. */
  finish(measured: Pick<PhaseResult, 'requests' | 'latency_us' | 'started_s' | 'duration_s'>): Promise<Verdict | undefined>;
}

export interface PhaseKindModule<P extends Phase = Phase> {
  kind: P['kind'];
  /** Its entry in the scenario's JSON Schema (phaseSchema() adds the fields every kind shares). */
  schema: JsonSchema;
  /** The resolved phase, or undefined when it cannot be built (its problems added to ctx.problems). */
  resolve(input: PhaseResolution): UnnamedPhase<P> | undefined;
  /** The loads it runs one after another, when not its one `load` for its extent (a ramp's steps). */
  loadSteps?(phase: P): LoadStep[];
  /** How the phase runs, when it does more than send the scenario's requests to the target. */
  driver?(ctx: DriverContext, phase: P): PhaseDriver | Promise<PhaseDriver>;
  // Room for a per-kind `share(phase, agents)` when a run is split across agents (issue 18).
}

export interface LoadStep {
  load: LoadSpec;
  extent: PhaseExtent;
}
