// Every default a scenario file may omit, in one place: the loader fills them and the schema
// shows them to editors, so the two cannot disagree.

export const DEFAULTS = {
  models_dir: 'models',
  ready_timeout_ms: 60_000,
  /** A launched server's grace between SIGTERM and SIGKILL when the run stops it. */
  stop_timeout_ms: 20_000,
  protocol: 'kserve-v2',
  payload: { encoding: 'json', batch: 1, seed: 1, variants: 8 },
  sampling_interval_ms: 1000,
  request_timeout_ms: 10_000,
  /** A phase with no load at all runs a closed loop of this many connections. */
  connections: 8,
  pipelining: 1,
  max_in_flight: 1024,
  signal: 'SIGTERM',
  /** The embedded server's own drain_timeout_ms default. */
  drain_deadline_ms: 30_000,
  down_ms: 500,
  every_s: 5,
  abort_share: 0.1,
  slow_share: 0.05,
  slow_bytes_per_s: 1024,
  /** slow-clients: stalled connections, more than a server's usual queue bound (servebench serve's is 258). */
  stalled_clients: 300,
  stall: 'mixed',
  cut_within_s: 60,
} as const;
