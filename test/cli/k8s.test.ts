// `servebench k8s` as a user runs it: manifests on stdout or in a folder, the scenario shipped
// with its target at --url, and every bad input refused with one line and exit 2.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Job } from 'kubernetes-models/batch/v1/Job';
import type { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { afterAll, describe, expect, it } from 'vitest';
import k8s from '../../src/cli/k8s.ts';
import { parseScenario, parseScenarioText } from '../../src/scenario/load.ts';
import { runServebench } from '../helpers/cli.ts';
import { readAsKubectl as documents, validateK8s as validate } from '../helpers/kubernetes.ts';

const folder = mkdtempSync(path.join(tmpdir(), 'sb-k8s-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const BASE = ['k8s', 'scenarios/quick.yaml', '--agents', '3', '--image', 'registry.example.com/servebench:0.1.0', '--url', 'http://model.load.svc:8000', '--results-pvc', 'sb-results'];

describe('servebench k8s', () => {
  it('--help lists every flag the command accepts, and accepts every flag it lists', () => {
    const { help: HELP, flagNames: VALUE_FLAGS } = k8s;
    const listed = new Set([...HELP.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]));
    for (const flag of VALUE_FLAGS) expect(listed, `--${flag}`).toContain(flag);
    expect([...listed].filter((flag) => !VALUE_FLAGS.includes(flag)).sort()).toEqual([]);
  });

  it('prints valid manifests whose scenario targets --url and starts --start-in from now', async () => {
    const before = Date.now();
    const result = await runServebench([...BASE, '--start-in', '5m', '--namespace', 'load', '--run-id', 'quick-a']);
    expect(result.stderr).toMatch(/^T0, when every agent starts, is /);
    expect(result.code).toBe(0);
    const docs = documents(result.stdout);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['ConfigMap/quick-a-scenario', 'Job/quick-a-agents', 'Job/quick-a-merge']);
    for (const doc of docs) {
      validate(doc);
      expect(doc.metadata).toMatchObject({ namespace: 'load' });
    }

    const args = (docs[1] as unknown as Job).spec!.template.spec!.containers[0].args!;
    const startAt = Date.parse(args[args.indexOf('--start-at') + 1]);
    expect(startAt).toBeGreaterThanOrEqual(before + 300_000);
    expect(startAt).toBeLessThanOrEqual(Date.now() + 301_000);

    const shipped = (docs[0] as unknown as ConfigMap).data!['scenario.yaml'];
    const { data } = parseScenarioText(shipped, 'scenario.yaml');
    const scenario = parseScenario(data, 'scenario.yaml');
    expect(scenario.target).toMatchObject({ kind: 'url', url: 'http://model.load.svc:8000' });
    expect(scenario.phases.map((p) => p.name)).toEqual(['warmup', 'closed-8', 'open-500']);
  });

  it('--out writes the run and a reader pod, valid, and says what to type next', async () => {
    const out = path.join(folder, 'out');
    const result = await runServebench([...BASE, '--run-id', 'quick-b', '--out', out, '--cpu', '500m', '--memory', '2Gi']);
    expect(result.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['quick-b-reader.yaml', 'quick-b.yaml']);
    const run = documents(readFileSync(path.join(out, 'quick-b.yaml'), 'utf8'));
    const reader = documents(readFileSync(path.join(out, 'quick-b-reader.yaml'), 'utf8'));
    for (const doc of [...run, ...reader]) validate(doc);
    expect((run[1] as unknown as Job).spec!.template.spec!.containers[0].resources).toEqual({ requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '2Gi' } });
    expect(result.stdout).toContain(`kubectl apply -f ${path.join(out, 'quick-b.yaml')}`);
    expect(result.stdout).toContain('kubectl wait --for=condition=complete job/quick-b-agents --timeout=');
    expect(result.stdout).toContain(`kubectl patch job/quick-b-merge --type=merge -p '{"spec":{"suspend":false}}'`);
    expect(result.stdout).toContain('kubectl cp quick-b-reader:/results/quick-b/merged reports/quick-b');
  });

  it('ships a scenario\'s payload file beside it, and refuses a payload folder', async () => {
    mkdirSync(path.join(folder, 'payload-dir'), { recursive: true });
    writeFileSync(path.join(folder, 'body.json'), '{"inputs": []}');
    const scenario = (fixture: string) => `model: mlp\npayload:\n  fixture: ${fixture}\nphases:\n  - kind: steady\n    duration: 5s\n    connections: 2\n`;
    writeFileSync(path.join(folder, 'with-file.yaml'), scenario('body.json'));
    writeFileSync(path.join(folder, 'with-dir.yaml'), scenario('payload-dir'));
    const flags = BASE.slice(2);

    const ok = await runServebench(['k8s', path.join(folder, 'with-file.yaml'), ...flags]);
    expect(ok.code).toBe(0);
    const configMap = documents(ok.stdout)[0] as unknown as ConfigMap;
    expect(Buffer.from(configMap.binaryData!['payload.json'], 'base64').toString()).toBe('{"inputs": []}');
    expect(configMap.data!['scenario.yaml']).toMatch(/fixture: payload\.json/);

    const dir = await runServebench(['k8s', path.join(folder, 'with-dir.yaml'), ...flags]);
    expect(dir.code).toBe(2);
    expect(dir.stderr.split('\n')[0]).toMatch(/payload\.fixture payload-dir is a folder, which a ConfigMap cannot carry/);
  });

  const withFlag = (flag: string, value: string) => {
    const args = [...BASE];
    const at = args.indexOf(flag);
    if (at === -1) args.push(flag, value);
    else args[at + 1] = value;
    return args;
  };
  const without = (flag: string) => {
    const args = [...BASE];
    args.splice(args.indexOf(flag), 2);
    return args;
  };

  it.each([
    ['no agents', withFlag('--agents', '0'), '--agents takes a whole number from 1 to 1000, got "0"'],
    ['agents not a number', withFlag('--agents', '2.5'), '--agents takes a whole number from 1 to 1000, got "2.5"'],
    ['no --agents', without('--agents'), 'k8s needs --agents, e.g. --agents 4'],
    ['no --image', without('--image'), 'k8s needs --image, e.g. --image registry.example.com/servebench:0.1.0'],
    ['no --url', without('--url'), 'k8s needs --url, e.g. --url http://my-model.default.svc:8000'],
    ['a url that is not http', withFlag('--url', 'ftp://model:21'), '--url takes a server origin like http://127.0.0.1:8000, got "ftp://model:21"'],
    ['no --results-pvc', without('--results-pvc'), 'k8s needs --results-pvc, e.g. --results-pvc servebench-results'],
    ['a claim name with capitals', withFlag('--results-pvc', 'SB_results'), '--results-pvc "SB_results" is not a valid Kubernetes name: lower-case letters'],
    ['a namespace with a dot', withFlag('--namespace', 'load.tests'), '--namespace "load.tests" is not a valid Kubernetes name: lower-case letters'],
    ['a run id too long', withFlag('--run-id', 'r'.repeat(60)), '--run-id "' + 'r'.repeat(60) + '" is not a valid Kubernetes name: at most 54 characters (got 60)'],
    ['a bad start delay', withFlag('--start-in', 'soon'), '--start-in takes a duration like 120s or 5m, got "soon"'],
    ['a bad quantity', withFlag('--memory', '2GB'), '--memory takes a Kubernetes quantity like 512Mi or 2Gi, got "2GB"'],
  ])('refuses %s with one line and exit 2', async (_what, args, message) => {
    const result = await runServebench(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const [first] = result.stderr.split('\n');
    expect(first).toContain(`servebench k8s: ${message}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a scenario the --url target cannot run, saying so', async () => {
    const result = await runServebench(['k8s', 'scenarios/shutdown.yaml', ...BASE.slice(2)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^servebench k8s: scenarios\/shutdown\.yaml \(with its target at --url\): invalid scenario/);
  });
});
