// The scenario as the agents' pods receive it: the file's own fields, with the target replaced by
// the server the pods reach (--url, as `run --url` builds one) and a payload file moved beside it.
// Pure: the caller reads the file and checks the result with the scenario loader.
import type { ScenarioInput, TargetInput } from '../scenario/input.ts';

/** The ConfigMap key (and file name in the pod) of a scenario's payload.fixture. */
export function fixtureKey(fixture: string): string {
  const ext = /\.[A-Za-z0-9]+$/.exec(fixture)?.[0] ?? '';
  return `payload${ext.toLowerCase()}`;
}

/**
 * A url target for `url`, keeping what still holds for a server elsewhere: its protocol and how
 * long to wait for it. Addresses of the old target (metrics_url, management_url, pid, command,
 * models_dir) point at a machine the pods are not on, so they go.
 */
export function urlTarget(old: TargetInput | undefined, url: string): TargetInput {
  return {
    kind: 'url',
    url,
    ...(old?.protocol !== undefined ? { protocol: old.protocol } : {}),
    ...(old?.ready_timeout !== undefined ? { ready_timeout: old.ready_timeout } : {}),
    ...(old?.ready_timeout_ms !== undefined ? { ready_timeout_ms: old.ready_timeout_ms } : {}),
  };
}

/** The scenario with its target at `url` and, when it has one, its payload file read from `fixtureKey`. */
export function shippedScenario(input: ScenarioInput, url: string): ScenarioInput {
  const { $schema: _schema, ...rest } = input;
  return {
    ...rest,
    target: urlTarget(input.target, url),
    ...(input.payload?.fixture !== undefined ? { payload: { ...input.payload, fixture: fixtureKey(input.payload.fixture) } } : {}),
  };
}
