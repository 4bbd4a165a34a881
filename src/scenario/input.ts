// The scenario as a person writes it, once it has passed the JSON Schema (schema.ts): the shapes
// resolve.ts turns into the runner's Scenario (types.ts). Duration fields come in pairs: a
// unit-less name (`30s` or seconds) and the resolved scenario's own name (a number in its unit).
import type { PhaseKind } from '../contract/scenario.ts';

export type DurationInput = string | number;

export interface LoadInput {
  mode?: 'open' | 'closed';
  rate?: number;
  connections?: number;
  pipelining?: number;
  max_in_flight?: number;
}

/** The fields every phase has; each kind's module (phaseKinds/) reads its own beyond them. */
export interface PhaseInput extends LoadInput {
  kind: PhaseKind;
  name?: string;
  duration?: DurationInput;
  duration_s?: DurationInput;
  requests?: number;
  thresholds?: string | string[];
  load?: LoadInput;
}

export interface TargetInput {
  kind?: 'embedded' | 'url' | 'command';
  models_dir?: string;
  command?: string | string[];
  env?: Record<string, string | number | boolean>;
  cwd?: string;
  ready_path?: string;
  metrics_url?: string;
  management_url?: string;
  stop_timeout?: DurationInput;
  stop_timeout_ms?: DurationInput;
  server?: Record<string, string | number | boolean | number[]>;
  url?: string;
  protocol?: 'kserve-v2' | 'torchserve';
  pid?: number;
  ready_timeout?: DurationInput;
  ready_timeout_ms?: DurationInput;
}

export interface ScenarioInput {
  $schema?: string;
  schema?: string;
  name?: string;
  description?: string;
  target?: TargetInput;
  model: string | { name: string; version?: string | number };
  payload?: { encoding?: 'json' | 'binary'; batch?: number; seed?: number; variants?: number; fixture?: string };
  phases: PhaseInput[];
  thresholds?: string | string[];
  sampling?: { interval?: DurationInput; interval_ms?: DurationInput };
  request_timeout?: DurationInput;
  request_timeout_ms?: DurationInput;
  sweep?: unknown;
  soak?: unknown;
  gate?: unknown;
}
