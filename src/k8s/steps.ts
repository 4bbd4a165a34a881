// What to type after `servebench k8s`: the kubectl commands of the run, with its real names. Pure.
import type { Scenario } from '../contract/scenario.ts';
import { plannedSeconds } from '../scenario/phases.ts';
import { objectNames, resultPaths } from './manifests.ts';

/**
 * How long `kubectl wait` should give the agents: until T0, every phase, the server's ready wait,
 * and five minutes for writing results; an hour after T0 when a phase has no fixed length.
 */
export function agentsWaitSeconds(scenario: Scenario, startInS: number): number {
  const phases = scenario.phases.map(plannedSeconds);
  const planned = phases.every((s) => s !== undefined) ? phases.reduce((a, b) => a + b, 0) : 3600;
  const ready = scenario.target.kind === 'url' ? scenario.target.ready_timeout_ms / 1000 : 0;
  return Math.ceil(startInS + planned + ready + 300);
}

export interface StepsInput {
  runId: string;
  namespace?: string;
  startAt: Date;
  waitS: number;
  resultsMount: string;
  /** The run's manifests file, or undefined when they went to stdout. */
  file?: string;
  /** The reader pod's manifest file, when written. */
  readerFile?: string;
}

export function nextSteps(s: StepsInput): string {
  const names = objectNames(s.runId);
  const ns = s.namespace !== undefined ? ` -n ${s.namespace}` : '';
  const merged = resultPaths(s).mergedDir;
  return [
    `T0, when every agent starts, is ${s.startAt.toISOString()}: apply the manifests before then.`,
    s.file !== undefined ? `  kubectl apply${ns} -f ${s.file}` : `  (pipe them: servebench k8s ... | kubectl apply${ns} -f -)`,
    `  kubectl wait${ns} --for=condition=complete job/${names.agents} --timeout=${s.waitS}s`,
    `  kubectl patch${ns} job/${names.merge} --type=merge -p '{"spec":{"suspend":false}}'`,
    `  kubectl wait${ns} --for=condition=complete job/${names.merge} --timeout=600s`,
    `  kubectl logs${ns} job/${names.merge}`,
    ...(s.readerFile !== undefined
      ? [
          `Then copy the merged results out:`,
          `  kubectl apply${ns} -f ${s.readerFile}`,
          `  kubectl wait${ns} --for=condition=ready pod/${names.reader} --timeout=300s`,
          `  kubectl cp${ns} ${names.reader}:${merged} reports/${s.runId}`,
          `  kubectl delete${ns} pod/${names.reader}`,
        ]
      : [`The merged results are in ${merged} on the results volume (docs/k8s.md shows how to copy them out).`]),
    '',
  ].join('\n');
}
