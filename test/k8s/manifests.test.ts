// The manifests of `servebench k8s` against the Kubernetes API schemas (kubernetes-models'
// validators, generated from the official OpenAPI), read back as kubectl reads YAML, and the
// agents' command lines as Kubernetes expands them.
import type { Job } from 'kubernetes-models/batch/v1/Job';
import type { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { describe, expect, it } from 'vitest';
import { agentArgv } from '../../src/agents/argv.ts';
import { agentsJob, COMPLETION_INDEX_ANNOTATION, INDEX_ENV, type K8sObject, type K8sRunOptions, manifestsYaml, mergeJob, readerPod, resultPaths, runManifests } from '../../src/k8s/manifests.ts';
import { MAX_RUN_ID_LENGTH } from '../../src/k8s/names.ts';
import { readAsKubectl, validateK8s as validate } from '../helpers/kubernetes.ts';

const START = new Date('2026-12-07T10:00:00Z');

function options(agents: number, extra: Partial<K8sRunOptions> = {}): K8sRunOptions {
  return {
    runId: 'quick-20261207-095800',
    agents,
    image: 'registry.example.com/servebench:0.1.0',
    startAt: START,
    scenarioYaml: 'name: quick\nmodel: mlp\ntarget: {kind: url, url: "http://model:8000"}\nphases: [{kind: steady, duration: 5s, connections: 2}]\n',
    resultsPvc: 'servebench-results',
    resultsMount: '/results',
    ...extra,
  };
}

/**
 * Kubernetes' expansion of a container's command and args (k8s.io/kubernetes third_party
 * forked/golang/expansion): `$(VAR)` becomes VAR's value when the container defines it, `$$` a
 * literal `$`, anything else stays as written.
 */
function expand(arg: string, env: Record<string, string>): string {
  return arg.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (name === undefined) return '$';
    return env[name] ?? whole;
  });
}

/** The args agent pod `index` runs: its env resolved as the kubelet does (the index annotation the Job controller sets), then expanded. */
function podArgs(job: ReturnType<typeof agentsJob>, index: number): string[] {
  const container = job.spec!.template.spec!.containers[0];
  const annotations: Record<string, string> = { [COMPLETION_INDEX_ANNOTATION]: String(index) };
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
    const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(fieldPath ?? '')?.[1];
    if (annotation === undefined) throw new Error(`env ${variable.name}: unexpected source ${JSON.stringify(variable.valueFrom)}`);
    env[variable.name] = annotations[annotation] ?? '';
  }
  return (container.args ?? []).map((arg) => expand(arg, env));
}

describe('servebench k8s manifests', () => {
  it.each([1, 2, 7, 1000])('pass the Kubernetes schemas, as written and as kubectl reads them back, for %i agents', (agents) => {
    const objects: K8sObject[] = [...runManifests(options(agents, { namespace: 'load-tests', cpu: '2', memory: '1Gi' })), readerPod(options(agents))];
    for (const object of objects) validate(object);
    const read = readAsKubectl(manifestsYaml(objects));
    expect(read).toEqual(JSON.parse(JSON.stringify(objects)));
    for (const object of read) validate(object);
    expect(read.map((o) => (o as { kind: string }).kind)).toEqual(['ConfigMap', 'Job', 'Job', 'Pod']);
    // The API server stores an object of at most 1.5 MiB; the merge Job grows with N.
    for (const object of objects) expect(Buffer.byteLength(JSON.stringify(object))).toBeLessThan(1_000_000);
  });

  it('the validator bites: a parallelism written as a string, or an unknown completion mode, is refused', () => {
    const job = agentsJob(options(3));
    expect(() => validate(job)).not.toThrow();
    expect(() => validate({ ...job, spec: { ...job.spec, parallelism: '3' } })).toThrow(/parallelism must be integer/);
    expect(() => validate({ ...job, spec: { ...job.spec, completionMode: 'indexed' } })).toThrow(/completionMode must be equal to one of the allowed values/);
    const broken = readAsKubectl(manifestsYaml([job]).replace('parallelism: 3', 'parallelism: "3"'))[0];
    expect(() => validate(broken)).toThrow(/parallelism/);
  });

  it('is an Indexed Job of N pods run all at once, each failure final', () => {
    const spec = agentsJob(options(5)).spec!;
    expect(spec).toMatchObject({ completionMode: 'Indexed', completions: 5, parallelism: 5, backoffLimit: 0 });
    expect(spec.template.spec!.restartPolicy).toBe('Never');
  });

  it.each([1, 3, 12])('pod i of %i runs exactly the agent command of share i once Kubernetes puts its index in', (agents) => {
    const o = options(agents);
    const job = agentsJob(o);
    for (let i = 0; i < agents; i++) {
      expect(podArgs(job, i)).toEqual(agentArgv({ scenarioPath: '/etc/servebench/scenario.yaml', shard: i, count: agents, startAt: START, outDir: `/results/${o.runId}/agent-${i}` }));
    }
    expect(podArgs(job, 0)).toEqual(['agent', '/etc/servebench/scenario.yaml', '--shard', `0/${agents}`, '--start-at', '2026-12-07T10:00:00.000Z', '--out', `/results/${o.runId}/agent-0`]);
    // No shell: the image's entrypoint (servebench) gets the args as they are.
    expect(job.spec!.template.spec!.containers[0].command).toBeUndefined();
    expect(job.spec!.template.spec!.containers[0].env).toEqual([{ name: INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } } }]);
  });

  it('the merge Job reads exactly the folders the agents write, and waits suspended', () => {
    const o = options(4);
    const job = agentsJob(o);
    const written = Array.from({ length: 4 }, (_, i) => podArgs(job, i).at(-1));
    const merge = mergeJob(o);
    expect(merge.spec!.suspend).toBe(true);
    expect(merge.spec!.template.spec!.containers[0].args).toEqual(['merge', ...written, '--out', resultPaths(o).mergedDir]);
    expect(resultPaths(o).mergedDir).toBe('/results/quick-20261207-095800/merged');
  });

  it('pods mount the scenario ConfigMap and the named claim, and run as the image\'s non-root user', () => {
    const [configMap, job] = runManifests(options(2, { resultsMount: '/data/sb/' })) as [ConfigMap, Job];
    const pod = job.spec!.template.spec!;
    expect(pod.volumes).toEqual([
      { name: 'scenario', configMap: { name: configMap.metadata!.name } },
      { name: 'results', persistentVolumeClaim: { claimName: 'servebench-results' } },
    ]);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'results', mountPath: '/data/sb/' });
    expect(podArgs(job, 1).at(-1)).toBe('/data/sb/quick-20261207-095800/agent-1');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
  });

  it('object names stay within 63 characters for the longest run id allowed', () => {
    const runId = 'a'.repeat(MAX_RUN_ID_LENGTH);
    const objects = [...runManifests(options(2, { runId })), readerPod(options(2, { runId }))];
    for (const object of objects) {
      expect(object.metadata!.name!.length).toBeLessThanOrEqual(63);
      validate(object);
    }
  });

  it('ships a payload file as ConfigMap binary data', () => {
    const bytes = Buffer.from([0, 1, 2, 255]);
    const [configMap] = runManifests(options(1, { fixture: { key: 'payload.bin', bytes } }));
    validate(configMap);
    expect((configMap as ConfigMap).binaryData).toEqual({ 'payload.bin': bytes.toString('base64') });
  });
});
