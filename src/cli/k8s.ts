// `servebench k8s SCENARIO --agents N --image IMAGE --url URL --results-pvc NAME`: write the
// Kubernetes manifests of a distributed run (docs/k8s.md). Runs nothing; kubectl applies them.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { agentsWaitSeconds, nextSteps } from '../k8s/steps.ts';
import { type K8sRunOptions, manifestsYaml, readerPod, runManifests } from '../k8s/manifests.ts';
import { defaultRunId, dns1123LabelProblem, dns1123SubdomainProblem, MAX_RUN_ID_LENGTH } from '../k8s/names.ts';
import { fixtureKey, shippedScenario } from '../k8s/shippedScenario.ts';
import { parseScenario, readMalformedClasses, readScenarioSource } from '../scenario/load.ts';
import type { ScenarioInput } from '../scenario/input.ts';
import { parseDurationMs } from '../scenario/units.ts';
import { defineCommand } from './command.ts';
import { flag } from './flags.ts';
import { checkServerUrl } from './urlScenario.ts';
import { isServebenchError, ServebenchError } from '../contract/errors.ts';

export const DEFAULT_START_IN = '120s';
export const DEFAULT_RESULTS_MOUNT = '/results';
/** The merge Job lists every agent folder in its args; a thousand keep it far below the API server's 1.5 MiB per object. */
const MAX_AGENTS = 1000;
/** The API server refuses a ConfigMap whose data passes 1 MiB. */
const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;

const K8S_FLAGS = {
  agents: flag.text('N', `how many agents (pods) share the load, 1 to ${MAX_AGENTS}`),
  image: flag.text('IMAGE', 'the servebench image the pods run (built from the repository\'s Dockerfile)'),
  url: flag.text('URL', `the server as the pods reach it, e.g. http://my-model.default.svc:8000;
replaces the scenario's target, keeping its protocol and ready_timeout`),
  'results-pvc': flag.text('NAME', `an existing PersistentVolumeClaim every pod mounts (ReadWriteMany when
pods land on several nodes); agent i writes <mount>/<run-id>/agent-<i>,
the merge <mount>/<run-id>/merged`),
  'results-mount': flag.text('P', 'where the claim is mounted in the pods', { default: DEFAULT_RESULTS_MOUNT }),
  'start-in': flag.text('D', `T0 is this long after now, room for pulling the image and scheduling;
it is written into the manifests, so apply at once`, { default: DEFAULT_START_IN }),
  namespace: flag.text('NS', 'the namespace of every object', { defaultNote: 'kubectl\'s current one' }),
  'run-id': flag.text('ID', 'names the objects and the results folder', { defaultNote: '<scenario>-<date>-<time>' }),
  cpu: flag.text('Q', 'CPU request of each pod, e.g. 2 or 500m (no limit: throttling adds latency)'),
  memory: flag.text('Q', 'memory request and limit of each pod, e.g. 1Gi'),
  out: flag.text('DIR', `write DIR/<run-id>.yaml, and DIR/<run-id>-reader.yaml (a pod to copy the
results out with), instead of printing the manifests to stdout`),
};

type Flag = keyof typeof K8S_FLAGS;
type Values = Partial<Record<Flag, string>>;

// A Kubernetes resource quantity: a number with an optional decimal or binary suffix.
const QUANTITY = /^(\d+(\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

function required(values: Values, name: Flag, example: string): string {
  const value = values[name];
  if (value === undefined || value.trim() === '') throw new ServebenchError('SB_ERR_USAGE', `k8s needs --${name}, e.g. --${name} ${example}`);
  return value;
}

function agentCount(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_AGENTS)) throw new ServebenchError('SB_ERR_USAGE', `--agents takes a whole number from 1 to ${MAX_AGENTS}, got ${JSON.stringify(text)}`);
  return n;
}

function name(flag: string, value: string, problem: string | undefined): string {
  if (problem !== undefined) throw new ServebenchError('SB_ERR_USAGE', `--${flag} ${JSON.stringify(value)} is not a valid Kubernetes name: ${problem}`);
  return value;
}

function quantity(flag: string, value: string): string {
  if (!QUANTITY.test(value)) throw new ServebenchError('SB_ERR_USAGE', `--${flag} takes a Kubernetes quantity like ${flag === 'cpu' ? '2 or 500m' : '512Mi or 2Gi'}, got ${JSON.stringify(value)}`);
  return value;
}

function startInMs(text: string): number {
  let ms: number;
  try {
    ms = parseDurationMs(text);
  } catch (err) {
    if (!isServebenchError(err, 'SB_ERR_UNIT')) throw err;
    throw new ServebenchError('SB_ERR_USAGE', `--start-in takes a duration like 120s or 5m, got ${JSON.stringify(text)}`);
  }
  if (ms < 1000) throw new ServebenchError('SB_ERR_USAGE', `--start-in must leave the pods at least 1s to start, got ${JSON.stringify(text)}`);
  return ms;
}

/** The payload file a scenario names, as ConfigMap binary data; refuses what a ConfigMap cannot carry. */
function readFixture(input: ScenarioInput, scenarioFile: string): K8sRunOptions['fixture'] {
  const fixture = input.payload?.fixture;
  if (fixture === undefined) return undefined;
  const file = path.resolve(path.dirname(scenarioFile), fixture);
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (err) {
    throw new ServebenchError('SB_ERR_USAGE', `${scenarioFile}: payload.fixture: cannot read ${fixture} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (!isFile) throw new ServebenchError('SB_ERR_USAGE', `${scenarioFile}: payload.fixture ${fixture} is a folder, which a ConfigMap cannot carry; use one file (.json, raw bytes or .jsonl) or build the folder into the image`);
  return { key: fixtureKey(fixture), bytes: readFileSync(file) };
}

function checkedOptions(args: { positionals: string[]; values: Values }, now: Date): { options: K8sRunOptions; startInS: number; file: string } {
  const [file] = args.positionals;
  if (file === undefined) throw new ServebenchError('SB_ERR_USAGE', 'k8s needs a scenario file, e.g. servebench k8s scenarios/quick.yaml --agents 4 ...');
  const v = args.values;
  const agents = agentCount(required(v, 'agents', '4'));
  const image = required(v, 'image', 'registry.example.com/servebench:0.1.0');
  if (/\s/.test(image)) throw new ServebenchError('SB_ERR_USAGE', `--image takes an image reference like registry.example.com/servebench:0.1.0, got ${JSON.stringify(image)}`);
  const url = required(v, 'url', 'http://my-model.default.svc:8000');
  checkServerUrl(url);
  const resultsPvc = name('results-pvc', required(v, 'results-pvc', 'servebench-results'), dns1123SubdomainProblem(v['results-pvc']!));
  const resultsMount = v['results-mount']!;
  if (!/^\/[^\s:]*$/.test(resultsMount) || resultsMount === '/') throw new ServebenchError('SB_ERR_USAGE', `--results-mount takes an absolute folder like /results, got ${JSON.stringify(resultsMount)}`);
  const namespace = v.namespace !== undefined ? name('namespace', v.namespace, dns1123LabelProblem(v.namespace)) : undefined;
  const startMs = startInMs(v['start-in']!);
  return {
    file,
    startInS: startMs / 1000,
    options: {
      runId: v['run-id'] !== undefined ? name('run-id', v['run-id'], dns1123LabelProblem(v['run-id'], MAX_RUN_ID_LENGTH)) : '',
      ...(namespace !== undefined ? { namespace } : {}),
      agents,
      image,
      // Whole seconds: T0 is read by people in logs and manifests.
      startAt: new Date(Math.ceil((now.getTime() + startMs) / 1000) * 1000),
      scenarioYaml: '',
      resultsPvc,
      resultsMount,
      ...(v.cpu !== undefined ? { cpu: quantity('cpu', v.cpu) } : {}),
      ...(v.memory !== undefined ? { memory: quantity('memory', v.memory) } : {}),
    },
  };
}

async function writeManifests(args: { positionals: string[]; values: Values }): Promise<number> {
  const now = new Date();
  const { options, startInS, file } = checkedOptions(args, now);
  const { data, locate, absolute } = await readScenarioSource(file);
  const baseDir = path.dirname(absolute);
  const malformedClasses = (model: string) => readMalformedClasses(model);
  // The file as written is checked first, so its mistakes point at its lines.
  parseScenario(data, file, { baseDir, malformedClasses, locate });
  const input = data as ScenarioInput;
  const shipped = shippedScenario(input, args.values.url!);
  const scenario = parseScenario(shipped, `${file} (with its target at --url)`, { baseDir, malformedClasses });
  const fixture = readFixture(input, file);
  const o: K8sRunOptions = {
    ...options,
    runId: options.runId || defaultRunId(scenario.name, now),
    scenarioYaml: `# ${file} as servebench k8s ships it: its target replaced by --url.\n${stringify(shipped, { lineWidth: 0 })}`,
    ...(fixture ? { fixture } : {}),
  };
  const configMapBytes = Buffer.byteLength(o.scenarioYaml) + (fixture ? Math.ceil(fixture.bytes.length / 3) * 4 : 0);
  if (configMapBytes > CONFIGMAP_LIMIT_BYTES) {
    throw new ServebenchError('SB_ERR_USAGE', `the scenario and its payload file come to ${configMapBytes} bytes, over a ConfigMap's 1 MiB; use a smaller payload.fixture or build it into the image`);
  }
  const yaml = manifestsYaml(runManifests(o));
  const steps = { runId: o.runId, ...(o.namespace ? { namespace: o.namespace } : {}), startAt: o.startAt, waitS: agentsWaitSeconds(scenario, startInS), resultsMount: o.resultsMount };
  if (args.values.out === undefined) {
    process.stdout.write(yaml);
    process.stderr.write(nextSteps(steps));
    return 0;
  }
  mkdirSync(args.values.out, { recursive: true });
  const manifestFile = path.join(args.values.out, `${o.runId}.yaml`);
  const readerFile = path.join(args.values.out, `${o.runId}-reader.yaml`);
  writeFileSync(manifestFile, yaml);
  writeFileSync(readerFile, manifestsYaml([readerPod(o)]));
  process.stdout.write(`servebench: wrote ${manifestFile} and ${readerFile}\n${nextSteps({ ...steps, file: manifestFile, readerFile })}`);
  return 0;
}

export default defineCommand({
  name: 'k8s',
  usage: [
    'servebench k8s <scenario.yaml> --agents N --image IMAGE --url URL --results-pvc NAME',
    '               [--start-in 120s] [--namespace NS] [--run-id ID] [--out DIR]',
  ],
  flags: K8S_FLAGS,
  body: [
    `Writes the Kubernetes manifests of a distributed run (see docs/k8s.md); runs nothing itself:
a ConfigMap with the scenario (its target replaced by --url), an Indexed Job of N pods each
running 'servebench agent' on share JOB_COMPLETION_INDEX of N, all starting at one time T0,
and a suspended Job running 'servebench merge' over their folders, to resume once they finish.`,
    Object.keys(K8S_FLAGS) as Flag[],
    'Exit code: 0 written, 2 bad input.',
  ],
  positionals: { max: 1, what: 'one scenario file' },
  // Values stay text: checkedOptions checks them together, as the manifests need them.
  run: ({ flags, positionals }) => writeManifests({ positionals, values: flags }),
});
