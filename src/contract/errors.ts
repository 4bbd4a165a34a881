// The harness's one table of errors (fastify's createError habit): each code once, with the exit
// code the CLI ends with, a one-line meaning, and how the CLI prints it. docs/errors.md is
// generated from it (npm run error-docs). The embedded server keeps its own codes and HTTP
// statuses in src/server/errors.ts (docs/server.md). Imports nothing: every folder may throw these.

/** 0 all passed; 1 a threshold, verdict or gate rule failed; 2 the run could not be done. */
export type ExitCode = 0 | 1 | 2;

/** The folder that throws a code: the docs group codes by it. */
export type ErrorArea = 'cli' | 'scenario' | 'load' | 'measure' | 'analyze' | 'runner' | 'report' | 'tune' | 'gate' | 'soak' | 'agents';

export interface ErrorEntry {
  code: string;
  area: ErrorArea;
  exit: ExitCode;
  /** One line for docs/errors.md: when it happens and what to do. */
  meaning: string;
  /** The HTTP status, for an error answered over HTTP (none of the harness's are; the server's table has them). */
  httpStatus?: number;
  /**
   * How the CLI prints it: `SB_ERR_X: message` unless `message` (the message alone: it names the
   * file and lists its problems) or `usage` (the message, then the command's usage line).
   */
  print?: 'message' | 'usage';
}

export const ERROR_TABLE = [
  { code: 'SB_ERR_USAGE', area: 'cli', exit: 2, print: 'usage', meaning: 'a command line servebench cannot act on: an unknown flag, a missing or extra argument, flags that do not go together' },

  { code: 'SB_ERR_SCENARIO', area: 'scenario', exit: 2, print: 'message', meaning: 'a scenario file (or its tune, gate or soak section) that is not valid: every problem is listed with its field, line and column' },
  { code: 'SB_ERR_UNIT', area: 'scenario', exit: 2, meaning: 'a duration, size, ratio or rate that is not well-formed (`30s`, `4GiB`, `10%`, `500/s`)' },
  { code: 'SB_ERR_THRESHOLD', area: 'scenario', exit: 2, meaning: 'a threshold expression that cannot be read (`p99 < 50ms`, `rss_slope < 5MB/h`): unknown metric, operator or value' },

  { code: 'SB_ERR_LOAD_EXTENT', area: 'load', exit: 2, meaning: 'a phase with no bound, or a non-positive duration or request count' },
  { code: 'SB_ERR_LOAD_OPTIONS', area: 'load', exit: 2, meaning: 'load generator settings out of range: connections, in-flight cap, timeout, misbehaviour shares' },
  { code: 'SB_ERR_MODEL_METADATA', area: 'load', exit: 2, meaning: 'the target\'s model metadata could not be fetched or read, so no request can be built: check the URL and the model name' },
  { code: 'SB_ERR_PAYLOAD', area: 'load', exit: 2, meaning: 'request bodies cannot be built for this model and payload settings (batch, variants, inputs)' },
  { code: 'SB_ERR_PAYLOAD_FIXTURE', area: 'load', exit: 2, meaning: 'a payload fixture (a body file, a folder of them or a .jsonl) that is missing or malformed' },
  { code: 'SB_ERR_MALFORMED_CORPUS', area: 'load', exit: 2, meaning: 'the malformed-request corpus holds a case that is not well-formed' },
  { code: 'SB_ERR_MALFORMED_MIX', area: 'load', exit: 2, meaning: 'a malformed phase\'s mix names an unknown class or shares that do not add up to at most 100%' },
  { code: 'SB_ERR_FLAP_PROXY', area: 'load', exit: 2, meaning: 'the flap phase\'s proxy has impossible timings or could not listen' },

  { code: 'SB_ERR_METRICS_PARSE', area: 'measure', exit: 2, meaning: 'the target\'s /metrics is not Prometheus text: the line and column are named' },

  { code: 'SB_ERR_HISTOGRAM_DECODE', area: 'analyze', exit: 2, meaning: 'a latency histogram in results.json is not a compressed base64 HdrHistogram: the file was edited or damaged' },
  { code: 'SB_ERR_NO_DATA', area: 'analyze', exit: 2, meaning: 'a statistic asked of too few values (no trials, no samples)' },
  { code: 'SB_ERR_INVALID_INPUT', area: 'analyze', exit: 2, meaning: 'a statistic or a serving configuration given a value out of its domain (not finite, negative, out of range)' },
  { code: 'SB_ERR_GATE_RULE', area: 'analyze', exit: 2, meaning: 'a gate rule that cannot be read (`p99 may rise at most 10%`), or a gate with no rules' },
  { code: 'SB_ERR_SEARCH_SPACE', area: 'analyze', exit: 2, meaning: 'a tune\'s search space or strategy that cannot be searched' },
  { code: 'SB_ERR_SEARCH_STATE', area: 'analyze', exit: 2, meaning: 'a capacity search or strategy driven out of order, or one that did not finish within its trials' },

  { code: 'SB_ERR_TARGET_START', area: 'runner', exit: 2, meaning: 'the server under test could not be started (no such command, exited early, not listening in time): its last log lines are shown' },
  { code: 'SB_ERR_TARGET_NOT_READY', area: 'runner', exit: 2, meaning: 'the target did not answer its readiness check in time: is the server up and the model loaded?' },

  { code: 'SB_ERR_RESULTS_NOT_FOUND', area: 'report', exit: 2, meaning: 'no results.json at the path given: give a run folder or its results.json' },
  { code: 'SB_ERR_RESULTS_INVALID', area: 'report', exit: 2, meaning: 'a results.json that is not one servebench wrote: the field that is wrong is named' },

  { code: 'SB_ERR_TUNE_RESUME', area: 'tune', exit: 2, meaning: '--resume was given a folder that holds no tuning run, or one that was damaged' },
  { code: 'SB_ERR_TUNE_OUTPUT', area: 'tune', exit: 2, meaning: 'the tune\'s folder cannot be written, or already holds a tuning run (resume it or choose another --out)' },
  { code: 'SB_ERR_KNOBS_NOT_SWEEPABLE', area: 'tune', exit: 2, meaning: 'the sweep names knobs this target cannot change in the chosen reconfigure mode' },
  { code: 'SB_ERR_KNOB_NOT_APPLIED', area: 'tune', exit: 2, meaning: 'the server ran a configuration other than the one asked (it capped a knob): the trial is recorded as failed' },
  { code: 'SB_ERR_CONFIG_REFUSED', area: 'tune', exit: 2, meaning: 'the server answered a reload with an error: it refuses that configuration, and the trial is recorded as failed' },
  { code: 'SB_ERR_MODEL_RELOAD', area: 'tune', exit: 2, meaning: 'the model could not be reloaded with new settings (management API unreachable or failing)' },
  { code: 'SB_ERR_TRIAL_INTERRUPTED', area: 'tune', exit: 2, meaning: 'Ctrl-C cut a trial short; never shown: the tune drops the trial and a resume runs it again' },

  { code: 'SB_ERR_GATE_NO_BASELINE', area: 'gate', exit: 2, meaning: 'the baseline file does not exist: run with --update-baseline to create one' },
  { code: 'SB_ERR_GATE_INPUT', area: 'gate', exit: 2, meaning: 'a baseline, results.json or run folder that cannot be read as gate samples' },
  { code: 'SB_ERR_GATE_REPEAT', area: 'gate', exit: 2, meaning: 'a repeat of the scenario could not run, or the gate was interrupted: nothing was compared' },

  { code: 'SB_ERR_SOAK_SETTINGS', area: 'soak', exit: 2, meaning: 'the soak\'s flags and its scenario section do not fit together (no duration, interval or warm-up too long)' },
  { code: 'SB_ERR_SOAK_FOLDER', area: 'soak', exit: 2, meaning: 'a soak folder (soak-meta.json, soak.jsonl) that is missing, unreadable or already in use' },
  { code: 'SB_ERR_SOAK_RESUME', area: 'soak', exit: 2, meaning: '--resume cannot continue this soak: it is complete, or still running' },

  { code: 'SB_ERR_AGENT_SHARD', area: 'agents', exit: 2, meaning: '--shard is not I/N with 0 <= I < N (agent I of N, counting from 0)' },
  { code: 'SB_ERR_AGENT_START_AT', area: 'agents', exit: 2, meaning: '--start-at is not a time, or too far in the past or the future to be the agents\' common start' },
  { code: 'SB_ERR_AGENT_OPTIONS', area: 'agents', exit: 2, meaning: 'a scenario that cannot be split over agents (a shutdown phase: only the parent holds the server)' },
  { code: 'SB_ERR_MERGE', area: 'agents', exit: 2, meaning: 'folders that are not the agents of one split: no agent section, another split or scenario, an agent given twice' },
] as const satisfies readonly ErrorEntry[];

export type ErrorCode = (typeof ERROR_TABLE)[number]['code'];

const BY_CODE = new Map<string, ErrorEntry>(ERROR_TABLE.map((e) => [e.code, e]));

/** The table's row for a code, or undefined for a code it does not hold (a server's, or a typo). */
export function errorEntry(code: string): ErrorEntry | undefined {
  return BY_CODE.get(code);
}

export interface ServebenchErrorOptions {
  cause?: unknown;
  /** Where the problem is, for a caller to read (e.g. `{ line: 12 }`); the message says it too. */
  details?: Readonly<Record<string, unknown>>;
}

/** Every error the harness throws: a code from the table, its exit code, and a message saying what to do. */
export class ServebenchError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly httpStatus?: number;
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: ServebenchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServebenchError';
    const entry = BY_CODE.get(code)!;
    this.code = code;
    this.exitCode = entry.exit;
    if (entry.httpStatus !== undefined) this.httpStatus = entry.httpStatus;
    if (options.details !== undefined) this.details = options.details;
  }
}

/** A ServebenchError; with codes, one carrying any of them. */
export function isServebenchError(value: unknown, ...codes: ErrorCode[]): value is ServebenchError {
  return value instanceof ServebenchError && (codes.length === 0 || codes.includes(value.code));
}
