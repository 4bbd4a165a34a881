// The scenario file, as the runner sees it after loading and validation (scenario/load.ts fills
// defaults, so optional here means "the user may omit it", not "the runner must guess").

/** Server settings for the embedded target, by the names of `servebench serve` (e.g. max_batch_size). */
export type ServerSettings = Record<string, string | number | boolean | number[]>;

export interface EmbeddedTarget {
  kind: 'embedded';
  /** Model repository; default `models` next to the package. */
  models_dir: string;
  server: ServerSettings;
  /** How long to wait for readiness, ms. */
  ready_timeout_ms: number;
}

export interface UrlTarget {
  kind: 'url';
  url: string;
  protocol: 'kserve-v2' | 'torchserve';
  /** A local process to sample (CPU, RSS), when the server runs on this machine. */
  pid?: number;
  /** The server's Prometheus endpoint, when not `<url>/metrics`. */
  metrics_url?: string;
  /** TorchServe: its management API (another port), which `servebench tune` drives. */
  management_url?: string;
  ready_timeout_ms: number;
}

/**
 * A server the runner launches from a command line (Triton, TorchServe, MLServer, the user's own),
 * reaches over HTTP, samples by its PID tree, signals for a shutdown phase and always stops.
 * Templates hold `{port}`-style placeholders (scenario/placeholders.ts), filled at each start.
 */
export interface CommandTarget {
  kind: 'command';
  /** argv templates (no shell in between, so the harness holds the server's own PID). */
  command: string[];
  /** Serving knobs by servebench's names, filled into knob placeholders ({max_batch_size}, {batch_size}...); unset ones take servebench's defaults. */
  server: ServerSettings;
  env: Record<string, string>;
  /** Working directory (absolute; written relative to the scenario file). */
  cwd: string;
  /** Origin template, default `http://127.0.0.1:{port}`. */
  url: string;
  protocol: 'kserve-v2' | 'torchserve';
  /** Readiness path template: 200 means ready for the scenario's model. */
  ready_path: string;
  /** The server's Prometheus endpoint (template), when it has one on another port. */
  metrics_url?: string;
  /** TorchServe: its management API (template), which `servebench tune` drives. */
  management_url?: string;
  ready_timeout_ms: number;
  /** Grace between SIGTERM and SIGKILL when the run stops the server. */
  stop_timeout_ms: number;
}

export type Target = EmbeddedTarget | UrlTarget | CommandTarget;

export interface PayloadSpec {
  /** KServe: JSON tensors or Triton's binary tensor extension. TorchServe-style targets always send raw bytes or JSON arrays. */
  encoding: 'json' | 'binary';
  /** Rows per request (the request's own batch dimension). */
  batch: number;
  seed: number;
  /** Distinct random payloads generated and cycled through. */
  variants: number;
  /** Optional file(s) under fixtures/ with request bodies to send instead of generated ones. */
  fixture?: string;
}

/** How much of a phase: a duration, a request count, or both (whichever ends first). */
export interface PhaseExtent {
  duration_s?: number;
  requests?: number;
}

/** Closed loop: N connections, each sends its next request when the previous answers. */
export interface ClosedLoad {
  mode: 'closed';
  connections: number;
  pipelining: number;
}

/** Open loop: requests issued on a fixed schedule whatever the answers; latency from intended send time. */
export interface OpenLoad {
  mode: 'open';
  rate: number;
  /** Cap on outstanding requests (beyond it, a request counts as dropped by the client, reported). */
  max_in_flight: number;
}

export type LoadSpec = ClosedLoad | OpenLoad;

interface PhaseBase extends PhaseExtent {
  name: string;
  /** Per-phase thresholds, same syntax as the scenario's. */
  thresholds: string[];
}

export interface WarmupPhase extends PhaseBase {
  kind: 'warmup';
  load: LoadSpec;
}

export interface SteadyPhase extends PhaseBase {
  kind: 'steady';
  load: LoadSpec;
}

export interface RampPhase extends PhaseBase {
  kind: 'ramp';
  mode: 'open' | 'closed';
  /** Each step holds a rate (open) or a connection count (closed) for its duration. */
  steps: { rate?: number; connections?: number; duration_s: number }[];
  max_in_flight: number;
}

export interface MalformedPhase extends PhaseBase {
  kind: 'malformed';
  load: LoadSpec;
  /** Percent of requests per malformed class (classes of fixtures/malformed/<model>.json); the rest are valid. */
  mix: Record<string, number>;
}

export interface ShutdownPhase extends PhaseBase {
  kind: 'shutdown';
  load: LoadSpec;
  /** Seconds into the phase when SIGTERM is sent to the server. */
  signal_at_s: number;
  signal: 'SIGTERM' | 'SIGINT';
  /** The server must exit within this many ms after the signal. */
  drain_deadline_ms: number;
  /** Clients that send a request's headers before the signal and never its body. */
  stalled_clients: number;
}

export interface FlapPhase extends PhaseBase {
  kind: 'flap';
  load: LoadSpec;
  /** The proxy cuts every connection for down_ms every every_s seconds. */
  down_ms: number;
  every_s: number;
}

export interface AbortsPhase extends PhaseBase {
  kind: 'aborts';
  load: LoadSpec;
  /** Share of requests whose client hangs up mid-request (0..1). */
  abort_share: number;
  /** Share of requests whose client trickles its body (0..1). */
  slow_share: number;
  /** Bytes per second of a slow client. */
  slow_bytes_per_s: number;
}

export interface SlowClientsPhase extends PhaseBase {
  kind: 'slow-clients';
  /** The valid traffic that must keep being served. */
  load: LoadSpec;
  /** Connections that send a request's headers and then withhold or trickle its body. */
  clients: number;
  stall: 'withhold' | 'trickle' | 'mixed';
  /** The server must cut each stalled client (an answer, or the connection closed) within this many seconds. */
  cut_within_s: number;
}

export interface OverloadPhase extends PhaseBase {
  kind: 'overload';
  load: OpenLoad;
}

export type Phase = WarmupPhase | SteadyPhase | RampPhase | MalformedPhase | ShutdownPhase | FlapPhase | AbortsPhase | SlowClientsPhase | OverloadPhase;
export type PhaseKind = Phase['kind'];

export interface Scenario {
  /** `servebench.scenario/v1` */
  schema?: string;
  name: string;
  description?: string;
  target: Target;
  model: { name: string; version?: string };
  payload: PayloadSpec;
  phases: Phase[];
  /** k6-like: `p99 < 50ms`, `error_rate < 0.1%`, `throughput > 500/s`; over every counted phase. */
  thresholds: string[];
  sampling: { interval_ms: number };
  /** Per-request client timeout, ms. */
  request_timeout_ms: number;
  /** Where `sweep` goes (tune issue) — kept opaque here. */
  sweep?: unknown;
  /** Where `soak` goes (soak issue) — kept opaque here. */
  soak?: unknown;
  /** Where `gate` goes (gate issue) — kept opaque here. */
  gate?: unknown;
}
