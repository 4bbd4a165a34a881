// The search space of server knobs, named as the server's settings (src/server/config/settings.ts)
// so a configuration goes to `servebench serve` or a scenario's `target.server` unchanged.
import { compareCost, configKey, effectiveConfig } from '../../serving/config.ts';
import { DEFAULT_SERVING_CONFIG, knobExpected, knobValueOk, KNOBS, type Knob, type ServingConfig } from '../../serving/knobs.ts';
import { ServebenchError } from '../../contract/errors.ts';

export interface SearchSpace {
  /** Values to try per knob; a knob not listed stays at its base value. */
  knobs: Partial<Record<Knob, readonly number[]>>;
  /** Where the search starts and what unlisted knobs are; default DEFAULT_SERVING_CONFIG. */
  base?: ServingConfig;
}

/** One measured configuration: the highest rate meeting the SLO, and p99 there. */
export interface Trial {
  config: ServingConfig;
  /** 0 when no rate met the SLO. */
  capacityRps: number;
  /** p99 at that rate, microseconds. */
  p99Us: number;
  /** Throughput achieved at that rate, when measured. */
  throughputRps?: number;
  errorRate?: number;
}

/** Checks a space and returns its knob lists sorted ascending, naming any bad entry. */
export function validateSpace(space: SearchSpace): Record<Knob, number[]> {
  const fail = (where: string, problem: string): never => {
    throw new ServebenchError('SB_ERR_SEARCH_SPACE', `search space ${where}: ${problem}`);
  };
  const base = space.base ?? DEFAULT_SERVING_CONFIG;
  const out = {} as Record<Knob, number[]>;
  for (const key of Object.keys(space.knobs)) {
    if (!(KNOBS as readonly string[]).includes(key)) fail(`knob "${key}"`, `unknown; expected one of ${KNOBS.join(', ')}`);
  }
  for (const knob of KNOBS) {
    const values = space.knobs[knob];
    if (values === undefined) {
      out[knob] = [base[knob]];
      continue;
    }
    if (values.length === 0) fail(knob, 'has no values; list at least one or leave the knob out');
    for (const v of values) {
      if (!knobValueOk(knob, v)) fail(knob, `value ${v} is not ${knobExpected(knob)}`);
    }
    if (new Set(values).size !== values.length) fail(knob, `lists a value twice (${values.join(', ')})`);
    out[knob] = [...values].sort((a, b) => a - b);
  }
  return out;
}

/** Every combination of the space, cheapest first (a run cut short has measured the cheap ones). */
export function allCombinations(space: SearchSpace): ServingConfig[] {
  const lists = validateSpace(space);
  const base = space.base ?? DEFAULT_SERVING_CONFIG;
  let configs: ServingConfig[] = [{ ...base }];
  for (const knob of KNOBS) configs = configs.flatMap((c) => lists[knob].map((v) => ({ ...c, [knob]: v })));
  return configs.sort(compareCost);
}

/** The distinct configurations among every combination (a delay without batching is its delay-0 twin), cheapest first. */
export function gridConfigs(space: SearchSpace): ServingConfig[] {
  const seen = new Map<string, ServingConfig>();
  for (const c of allCombinations(space)) if (!seen.has(configKey(c))) seen.set(configKey(c), effectiveConfig(c));
  return [...seen.values()];
}

/** The base configuration moved onto the space's values (nearest listed value per knob). */
export function snapToSpace(config: ServingConfig, lists: Record<Knob, number[]>): ServingConfig {
  const out = { ...config };
  for (const knob of KNOBS) {
    out[knob] = lists[knob].reduce((best, v) => (Math.abs(v - config[knob]) < Math.abs(best - config[knob]) ? v : best));
  }
  return out;
}
