// results.json: the one shared contract between a run and everything that reads it afterwards
// (reports, gates, soaks, comparisons). Versioned: add fields freely, never change a meaning.
import type { Scenario } from './scenario.ts';

export const RESULTS_SCHEMA = 'servebench.results/v1';

export interface LatencySummary {
  count: number;
  /** Microseconds. */
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** One row per second of the run (timeseries.csv). */
export interface SecondRow {
  /** Seconds since the run started (integer, the second this row covers). */
  t: number;
  phase: string;
  requests: number;
  ok: number;
  /** Count per outcome other than ok (status_503, timeout, reset, refused...). */
  errors: Record<string, number>;
  /** Latency of requests that completed in this second, microseconds (0 when none). */
  p50_us: number;
  p90_us: number;
  p99_us: number;
  max_us: number;
  /** Agent runs only: HdrHistogram encoded (as PhaseResult.histogram) of this second's latencies, for an exact merge. */
  histogram?: string;
}

export interface SystemSample {
  /** Seconds since the run started. */
  t: number;
  machine_cpu_percent?: number;
  server_cpu_percent?: number;
  server_rss_bytes?: number;
  loadgen_cpu_percent?: number;
  loadgen_rss_bytes?: number;
  /** From the server's /metrics when exposed. */
  server_heap_used_bytes?: number;
  server_external_bytes?: number;
  gpus?: GpuSample[];
}

export interface GpuSample {
  index: number;
  name?: string;
  utilization_percent?: number;
  memory_used_mib?: number;
  memory_total_mib?: number;
  power_watts?: number;
  temperature_c?: number;
}

/** Server-side numbers scraped from /metrics over a phase (deltas of its histograms). */
export interface ServerSideSummary {
  /** Whose metrics these are: they name and count things their own way. */
  source?: 'servebench' | 'triton' | 'torchserve' | 'mlserver';
  /** Mean time a request waited before its batch ran, µs. */
  queue_mean_us?: number;
  /** Mean time a request's batch spent computing, µs. */
  compute_mean_us?: number;
  /** Mean time the server spent on a request from arrival to answer, µs (peers that count it). */
  request_mean_us?: number;
  /** Mean rows per executed batch. */
  batch_size_mean?: number;
  requests_by_code?: Record<string, number>;
  /** Servers that count outcomes rather than HTTP codes (Triton: success, failure_<reason>). */
  requests_by_outcome?: Record<string, number>;
  /** What this server's metrics do not show, so a blank is not read as zero. */
  missing?: string[];
}

export interface Verdict {
  /** What was checked: malformed, shutdown, flap, aborts, overload, generator, leak... */
  kind: string;
  passed: boolean;
  /** One line a person reads first. */
  summary: string;
  /** The numbers behind it. */
  details: Record<string, unknown>;
}

export interface ThresholdResult {
  /** As written: `p99 < 50ms`. */
  expression: string;
  /** Phase name, or `*` for all counted phases. */
  scope: string;
  actual: number | null;
  /** Unit of actual: us, ratio, rps. */
  unit: string;
  passed: boolean;
  message: string;
}

export interface PhaseResult {
  name: string;
  kind: string;
  /** Warm-up phases are measured but not counted in the totals or thresholds. */
  counted: boolean;
  started_s: number;
  duration_s: number;
  load: { mode: 'open' | 'closed'; rate?: number; connections?: number };
  requests: { sent: number; completed: number; ok: number; outcomes: Record<string, number>; by_class?: Record<string, Record<string, number>> };
  throughput_rps: number;
  /** Open loop, one step: requests issued per second over the schedule's span (what the generator achieved of load.rate). */
  send_rate?: number;
  latency_us: LatencySummary;
  /** HdrHistogram encoded (compressed, base64) of every completed request's latency in microseconds. */
  histogram: string;
  server?: ServerSideSummary;
  verdict?: Verdict;
  saturation?: { reason: string; maxLagMs: number; cpuPercent: number };
}

export interface EnvironmentInfo {
  hostname: string;
  os: string;
  cpu_model: string;
  cores: number;
  memory_bytes: number;
  node: string;
  onnxruntime: string;
  servebench: string;
  git_commit?: string;
  /** The GPUs nvidia-smi reports: the ones sampled while the run goes. */
  gpus: { index: number; name: string; memory_total_mib?: number }[];
  /** The OS distribution and version, e.g. "Debian GNU/Linux 12 (bookworm)" (systeminformation). */
  os_distro?: string;
  /** Physical cores of the machine; `cores` counts the logical ones this process may use. */
  physical_cores?: number;
  /** Every graphics controller of the machine, any vendor (systeminformation's graphics query). */
  graphics?: { vendor: string; model: string; vram_mib?: number }[];
}

export interface RunMarker {
  /** Seconds since the run started. */
  t: number;
  kind: string;
  detail?: string;
}

export interface RunTarget {
  kind: 'embedded' | 'url' | 'command';
  url: string;
  protocol: 'kserve-v2' | 'torchserve';
  model: string;
  version?: string;
  /** Command targets: from launch to the model's first ready answer, ms (each start, in order). */
  startup_ms?: number[];
}

export interface RunResults {
  schema: typeof RESULTS_SCHEMA;
  run_id: string;
  started_at: string;
  finished_at: string;
  scenario_file?: string;
  scenario: Scenario;
  target: RunTarget;
  /** The effective serving settings reported by the server (embedded: /v2/models/m/config). */
  server_config?: Record<string, unknown>;
  environment: EnvironmentInfo;
  phases: PhaseResult[];
  /** Over every counted phase. */
  totals: { requests: number; ok: number; error_rate: number; throughput_rps: number; latency_us: LatencySummary; histogram: string };
  timeseries: SecondRow[];
  system: SystemSample[];
  verdicts: Verdict[];
  thresholds: ThresholdResult[];
  /** Fault events on the run's clock (shutdown-sent, server-exited, proxy-cut, proxy-restored): chart markers. */
  markers?: RunMarker[];
  warnings: string[];
  /** Facts worth knowing that are not problems (no GPU on this machine, a PID that vanished...). */
  notes: string[];
  /** 0 all passed, 1 a threshold or verdict failed, 2 the run could not be done. */
  exit_code: 0 | 1 | 2;
  /** Set when exit_code is 2. */
  error?: string;
  /** Set by `servebench tune`. */
  sweep?: SweepResults;
  /** Set by `servebench soak`. */
  soak?: SoakResults;
  /** Set by `servebench agent`: this run is one share of a scenario split over several load generators. */
  agent?: AgentRunInfo;
  /** Set by `servebench merge` and `run --agents`: the agents whose results were added up. */
  agents?: AgentsSummary;
}

/** What an agent measured of its own clock against a reference (the target's HTTP Date header). */
export interface ClockReading {
  /** `target-http-date`: the moment the target's Date header turned a second; `none`: not measured (note says why). */
  source: 'target-http-date' | 'none';
  /** Reference minus this agent's clock, ms (positive: this clock is behind). */
  offset_ms?: number;
  /** Half-width of the interval the offset is known within, ms. */
  uncertainty_ms?: number;
  note?: string;
}

export interface AgentRunInfo {
  /** Agent I of N, counting from 0. */
  index: number;
  count: number;
  /** T0: when every agent was told to start its schedule (ISO 8601). */
  start_at: string;
  /** How late this agent's first phase started after T0, on its own clock, ms (null: it never started). */
  start_lag_ms: number | null;
  clock: ClockReading;
  /** Phases acting on the server (shutdown, flap) that this agent drove alone (agent 0). */
  drives: string[];
  /** The whole scenario before it was split: what the merge judges thresholds on. */
  whole_scenario: Scenario;
}

export interface AgentSummary {
  index: number;
  /** ok: results read; missing: no results.json (killed, never started); failed: its run could not be done (exit 2). */
  status: 'ok' | 'missing' | 'failed';
  /** The folder its results came from. */
  source: string;
  /** The open-loop rate asked of it over counted phases (sum of their rates), when open. */
  asked_rate?: number;
  requests: number;
  ok: number;
  error_rate: number;
  throughput_rps: number;
  start_lag_ms: number | null;
  clock?: ClockReading;
  /** Phases where its generator could not keep its schedule (results there describe the client). */
  saturated: string[];
  drives: string[];
  exit_code?: number;
  error?: string;
}

export interface AgentsSummary {
  count: number;
  /** False when an agent's results are missing or its run failed: the merged run has exit code 2. */
  complete: boolean;
  start_at?: string;
  /** Latest minus earliest start lag among agents that started, ms. */
  start_spread_ms: number | null;
  /** Above this spread the merged run warns. */
  spread_bound_ms: number;
  agents: AgentSummary[];
}

/** One measured point of a capacity search: an open-loop rate and what it gave. */
export interface CapacityPoint {
  rate: number;
  throughput_rps: number;
  p50_us: number;
  p99_us: number;
  error_rate: number;
  /** Met the SLO (p99 and error rate). */
  passed: boolean;
}

export interface TrialResult {
  index: number;
  /** Server knobs by setting name (workers, max_batch_size, max_batch_delay_us...). */
  config: Record<string, number | number[]>;
  /** Highest rate meeting the SLO; null when even the lowest rate tried failed. */
  capacity_rps: number | null;
  /** When the trial was repeated (noise): each repeat's capacity. */
  repeats?: number[];
  /** The latency-throughput points measured on the way. */
  points: CapacityPoint[];
  server_rss_bytes?: number;
  server_cpu_percent?: number;
  /** The server's main thread (event loop) at capacity, percent of one core; part of server_cpu_percent. */
  server_main_thread_cpu_percent?: number;
  gpu_utilization_percent?: number;
  duration_s: number;
  /** Launch mode (the server restarted for the trial): launch to model ready, ms. */
  startup_ms?: number;
}

export interface Recommendation {
  config: Record<string, number | number[]>;
  capacity_rps: number;
  /** p50/p99 at 50%, 80% and 100% of capacity. */
  at_load: { share: number; rate: number; p50_us: number; p99_us: number }[];
  server_rss_bytes?: number;
  server_cpu_percent?: number;
  server_main_thread_cpu_percent?: number;
  runner_up?: { config: Record<string, number | number[]>; capacity_rps: number };
  /** The top two overlap within noise (the cheaper one was preferred). */
  overlap: boolean;
  /** Plain-language why. */
  reason: string;
  /** Capacity planning for --target-rps (on verified_capacity_rps when that is lower). */
  replicas?: { target_rps: number; headroom: number; replicas: number; utilisation: number; note: string };
  /**
   * Set when a closing check at a share of the capacity broke the SLO: the highest checked rate
   * that held it (with every lower share holding it too), 0 when none did.
   */
  verified_capacity_rps?: number;
  /** What the closing checks found, when they did not confirm the capacity. */
  verification?: string;
}

export interface SweepResults {
  strategy: string;
  objective: string;
  slo: { p99_us: number; error_rate: number };
  knobs: Record<string, (number | number[])[]>;
  trials: TrialResult[];
  default_capacity_rps?: number;
  recommendation?: Recommendation;
}

/** One soak sampling interval. */
export interface SoakSample {
  /** Seconds since the soak started. */
  t: number;
  rss_bytes?: number;
  heap_used_bytes?: number;
  external_bytes?: number;
  cpu_percent?: number;
  gpu_memory_used_mib?: number;
  requests: number;
  errors: number;
  p50_us: number;
  p99_us: number;
  /** The harness's own RSS: it must stay bounded too. */
  harness_rss_bytes?: number;
}

export interface TrendVerdict {
  verdict: string;
  /** MB/hour for memory, percent/hour for p99 drift. */
  slope_per_hour: number;
  ci: [number, number];
  summary: string;
}

export interface SoakResults {
  planned_duration_s: number;
  duration_s: number;
  /** False when the soak was killed and this was rebuilt from its partial data. */
  completed: boolean;
  rate: number;
  interval_s: number;
  warmup_s: number;
  samples: SoakSample[];
  leak: TrendVerdict & { projected_hours_to_limit?: number; limit_bytes?: number };
  drift: TrendVerdict;
  harness_rss_growth_bytes?: number;
}
