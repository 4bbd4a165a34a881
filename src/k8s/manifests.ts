// A distributed run on Kubernetes as manifests: the scenario in a ConfigMap, an Indexed Job of N
// agents (each pod's completion index is its shard), and a merge Job created suspended, which
// the user resumes once the agents' Job is complete. Pure: objects in, YAML text out.
// The types come from kubernetes-models (a devDependency, types only): tsc checks every field
// name and type here against the Kubernetes API, and the tests run its schema validators.
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { stringify } from 'yaml';
import { agentArgv, mergeArgv } from '../agents/argv.ts';
import { NAME_SUFFIXES } from './names.ts';

export type K8sObject = IConfigMap | IJob | IPod;

/** Set by the Job controller on each pod of an Indexed Job; also what it puts in JOB_COMPLETION_INDEX. */
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
export const INDEX_ENV = 'JOB_COMPLETION_INDEX';
/** Kubernetes expands `$(VAR)` in a container's args from its env before the process starts, no shell involved. */
export const INDEX_PLACEHOLDER = `$(${INDEX_ENV})`;

export const SCENARIO_MOUNT = '/etc/servebench';
export const SCENARIO_KEY = 'scenario.yaml';
/** The image's user (node:20-slim's `node`), named by number so runAsNonRoot can check it. */
export const IMAGE_UID = 1000;

export interface K8sRunOptions {
  runId: string;
  /** Omitted: the objects go to kubectl's current namespace. */
  namespace?: string;
  agents: number;
  image: string;
  startAt: Date;
  /** The scenario as the agents run it (target already the --url server). */
  scenarioYaml: string;
  /** A payload file the scenario sends, shipped beside it. */
  fixture?: { key: string; bytes: Buffer };
  resultsPvc: string;
  resultsMount: string;
  /** CPU request of each pod (no limit: CFS throttling would show up as latency). */
  cpu?: string;
  /** Memory request and limit of each pod. */
  memory?: string;
}

export function objectNames(runId: string) {
  return {
    agents: `${runId}${NAME_SUFFIXES.agents}`,
    merge: `${runId}${NAME_SUFFIXES.merge}`,
    scenario: `${runId}${NAME_SUFFIXES.scenario}`,
    reader: `${runId}${NAME_SUFFIXES.reader}`,
  };
}

/** Where the run's folders lie on the results volume. */
export function resultPaths(o: Pick<K8sRunOptions, 'resultsMount' | 'runId'>) {
  const runDir = `${o.resultsMount.replace(/\/+$/, '')}/${o.runId}`;
  return { runDir, agentDir: (shard: number | string) => `${runDir}/agent-${shard}`, mergedDir: `${runDir}/merged` };
}

function metadata(o: K8sRunOptions, name: string, component: string) {
  return {
    name,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    labels: { 'app.kubernetes.io/name': 'servebench', 'app.kubernetes.io/instance': o.runId, 'app.kubernetes.io/component': component },
  };
}

const SECURITY: IPodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: IMAGE_UID,
  runAsGroup: IMAGE_UID,
  // Makes a fresh volume writable by that user, where the volume type supports it.
  fsGroup: IMAGE_UID,
};

function resources(o: K8sRunOptions): Pick<IContainer, 'resources'> {
  if (o.cpu === undefined && o.memory === undefined) return {};
  return {
    resources: {
      requests: { ...(o.cpu !== undefined ? { cpu: o.cpu } : {}), ...(o.memory !== undefined ? { memory: o.memory } : {}) },
      ...(o.memory !== undefined ? { limits: { memory: o.memory } } : {}),
    },
  };
}

const RESULTS_VOLUME = 'results';
const SCENARIO_VOLUME = 'scenario';

function resultsVolume(o: K8sRunOptions): IPodSpec['volumes'] & object {
  return [{ name: RESULTS_VOLUME, persistentVolumeClaim: { claimName: o.resultsPvc } }];
}

export function scenarioConfigMap(o: K8sRunOptions): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(o, objectNames(o.runId).scenario, 'scenario'),
    data: { [SCENARIO_KEY]: o.scenarioYaml },
    ...(o.fixture ? { binaryData: { [o.fixture.key]: o.fixture.bytes.toString('base64') } } : {}),
  };
}

/** What each agent pod runs, with `$(JOB_COMPLETION_INDEX)` where Kubernetes puts its index. */
export function agentPodArgs(o: K8sRunOptions): string[] {
  return agentArgv({
    scenarioPath: `${SCENARIO_MOUNT}/${SCENARIO_KEY}`,
    shard: INDEX_PLACEHOLDER,
    count: o.agents,
    startAt: o.startAt,
    outDir: resultPaths(o).agentDir(INDEX_PLACEHOLDER),
  });
}

export function agentsJob(o: K8sRunOptions): IJob {
  const names = objectNames(o.runId);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { ...metadata(o, names.agents, 'agent'), annotations: { 'servebench/start-at': o.startAt.toISOString() } },
    spec: {
      completionMode: 'Indexed',
      completions: o.agents,
      parallelism: o.agents,
      // A retried agent would start after T0 and measure a different run: a failed share fails the Job.
      backoffLimit: 0,
      template: {
        metadata: { labels: metadata(o, names.agents, 'agent').labels },
        spec: {
          restartPolicy: 'Never',
          securityContext: SECURITY,
          // Agents on different nodes where the cluster has room: more load, less contention.
          topologySpreadConstraints: [{
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: { 'job-name': names.agents } },
          }],
          containers: [{
            name: 'agent',
            image: o.image,
            args: agentPodArgs(o),
            // The Job controller adds this variable itself (Kubernetes >= 1.22); declaring it makes
            // the $(JOB_COMPLETION_INDEX) in args resolve from this spec alone.
            env: [{ name: INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } } }],
            volumeMounts: [
              { name: SCENARIO_VOLUME, mountPath: SCENARIO_MOUNT, readOnly: true },
              { name: RESULTS_VOLUME, mountPath: o.resultsMount },
            ],
            ...resources(o),
          }],
          volumes: [{ name: SCENARIO_VOLUME, configMap: { name: names.scenario } }, ...resultsVolume(o)],
        },
      },
    },
  };
}

export function mergeJob(o: K8sRunOptions): IJob {
  const names = objectNames(o.runId);
  const paths = resultPaths(o);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(o, names.merge, 'merge'),
    spec: {
      // Created with the agents, started by `kubectl patch` once their Job is complete.
      suspend: true,
      completions: 1,
      parallelism: 1,
      backoffLimit: 0,
      template: {
        metadata: { labels: metadata(o, names.merge, 'merge').labels },
        spec: {
          restartPolicy: 'Never',
          securityContext: SECURITY,
          containers: [{
            name: 'merge',
            image: o.image,
            args: mergeArgv({ agentDirs: Array.from({ length: o.agents }, (_, i) => paths.agentDir(i)), outDir: paths.mergedDir }),
            volumeMounts: [{ name: RESULTS_VOLUME, mountPath: o.resultsMount }],
          }],
          volumes: resultsVolume(o),
        },
      },
    },
  };
}

/** A pod that mounts the results volume and waits, so `kubectl cp` can copy the merged folder out. */
export function readerPod(o: K8sRunOptions): IPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: metadata(o, objectNames(o.runId).reader, 'reader'),
    spec: {
      restartPolicy: 'Never',
      securityContext: SECURITY,
      containers: [{ name: 'reader', image: o.image, command: ['sleep', '3600'], volumeMounts: [{ name: RESULTS_VOLUME, mountPath: o.resultsMount, readOnly: true }] }],
      volumes: resultsVolume(o),
    },
  };
}

/** The objects `kubectl apply` creates for a run, in the order they are needed. */
export function runManifests(o: K8sRunOptions): K8sObject[] {
  return [scenarioConfigMap(o), agentsJob(o), mergeJob(o)];
}

/**
 * Objects as one multi-document YAML. YAML 1.1 rules, as kubectl reads it: strings such as the
 * ISO start time or "on" come out quoted, so they stay strings.
 */
export function manifestsYaml(objects: readonly K8sObject[]): string {
  return objects.map((o) => stringify(o, { version: '1.1', lineWidth: 0 })).join('---\n');
}
