// The command target as written in a scenario: split, placeholders checked, paths resolved.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { renderConfigFile } from '../../src/runner/configFiles.ts';
import { expandPlaceholders, placeholdersIn, splitCommandLine, unknownPlaceholder } from '../../src/scenario/placeholders.ts';
import type { CommandTarget } from '../../src/contract/scenario.ts';
import { configFilePlaceholderOf, launchKnobs } from '../../src/tune/launchControl.ts';
import { problemsOf as refusedWith } from '../helpers/refused.ts';

const options = { baseDir: '/work/scenarios/peers', malformedClasses: () => undefined };
const phases = [{ kind: 'steady', duration: '5s', rate: 100 }];

const problemsOf = (target: object) => refusedWith(() => parseScenario({ model: 'mlp', target, phases }, 'peer.yaml', options));

describe('splitCommandLine', () => {
  it('splits words on spaces and keeps quoted spaces and escapes', () => {
    expect(splitCommandLine(`server --port {port}  --name "my model" --x 'a b' c\\ d ""`)).toEqual(['server', '--port', '{port}', '--name', 'my model', '--x', 'a b', 'c d', '']);
  });
  it('refuses an unclosed quote', () => {
    expect(() => splitCommandLine('server "open')).toThrow('unclosed " quote');
  });
});

describe('placeholders', () => {
  it('lists each placeholder once and fills the known ones', () => {
    expect(placeholdersIn('{port} {metrics_port} {port} {model}')).toEqual(['port', 'metrics_port', 'model']);
    expect(expandPlaceholders('--p {port} --m {model} {other}', { port: '8000', model: 'mlp' })).toBe('--p 8000 --m mlp {other}');
  });
  it('accepts {port}, {<name>_port} and the fixed names only', () => {
    for (const ok of ['port', 'grpc_port', 'management_port', 'model', 'version', 'tmp', 'scenario_dir', 'config_pbtxt', 'config_properties', 'servebench_yaml', 'max_batch_size', 'batch_size', 'instance_count', 'max_batch_delay']) expect(unknownPlaceholder(ok)).toBeUndefined();
    expect(unknownPlaceholder('prot')).toMatch(/unknown placeholder \{prot\}: expected \{port\}, \{<name>_port\} \(a free port each\), \{model\}, \{version\}, \{tmp\}, \{scenario_dir\}, \{config_pbtxt\}, \{config_properties\}, \{servebench_yaml\}, or a serving knob/);
    expect(unknownPlaceholder('_port')).toBeDefined();
  });
});

describe('a command target in a scenario', () => {
  it('is inferred from command, split, and filled with defaults', () => {
    const scenario = parseScenario({ model: 'mlp', target: { command: 'python serve.py --http-port {port} --metrics-port {metrics_port}', cwd: '../..', metrics_url: 'http://127.0.0.1:{metrics_port}/metrics', env: { OMP_NUM_THREADS: 1 } }, phases }, 'peer.yaml', options);
    expect(scenario.target).toEqual({
      kind: 'command',
      command: ['python', 'serve.py', '--http-port', '{port}', '--metrics-port', '{metrics_port}'],
      server: {},
      env: { OMP_NUM_THREADS: '1' },
      cwd: '/work',
      url: 'http://127.0.0.1:{port}',
      protocol: 'kserve-v2',
      ready_path: '/v2/models/{model}/ready',
      metrics_url: 'http://127.0.0.1:{metrics_port}/metrics',
      ready_timeout_ms: 60_000,
      stop_timeout_ms: 20_000,
    });
  });

  it('fills {scenario_dir} at once and keeps a list command as written', () => {
    const scenario = parseScenario({ model: 'mlp', target: { kind: 'command', command: ['{scenario_dir}/server', '--port={port}'], protocol: 'torchserve', stop_timeout: '3s' }, phases }, 'peer.yaml', options);
    expect(scenario.target).toMatchObject({ command: ['/work/scenarios/peers/server', '--port={port}'], cwd: '/work/scenarios/peers', ready_path: '/ping', stop_timeout_ms: 3000 });
  });

  it('allows a shutdown phase, since the harness holds the process', () => {
    const scenario = parseScenario({ model: 'mlp', target: { command: 'server {port}' }, phases: [{ kind: 'shutdown', duration: '4s', rate: 50 }] }, 'peer.yaml', options);
    expect(scenario.phases[0]!.kind).toBe('shutdown');
  });

  it.each([
    ['no command', { kind: 'command' }, ['target.command: expected a command line like "my-server --port {port}", got nothing']],
    ['an empty command', { command: '   ' }, ['target.command: expected a command line, got an empty one']],
    ['an unclosed quote', { command: 'server "x --port {port}' }, ['target.command: unclosed " quote in "server \\"x --port {port}"']],
    ['an unknown placeholder', { command: ['server', '--port', '{prot}'], url: 'http://127.0.0.1:8000' }, [expect.stringMatching(/^target\.command\[2\]: unknown placeholder \{prot\}/)]],
    ['no {port} and no url', { command: 'server --port 8000' }, [expect.stringMatching(/^target\.url: expected the URL the server will listen on \(neither the command nor its env has a \{port\}/)]],
    ['a placeholder other than {scenario_dir} in cwd', { command: 'server {port}', cwd: '{tmp}/x' }, [expect.stringMatching(/^target\.cwd: expected a folder, relative to this file \(only \{scenario_dir\}/)]],
    ['a pid', { command: 'server {port}', pid: 12 }, ['target.pid: only for a url target: a command target samples the process it starts']],
    ['embedded fields', { command: 'server {port}', models_dir: 'm' }, ['target.models_dir: only for an embedded target (this target is a command)']],
    ['a server setting that is no serving knob', { command: 'server {port} --b {batch_size}', server: { fault_latency_ms: 5, max_batch_size: -1 } }, [
      'target.server.fault_latency_ms: expected a serving knob of a launched server (workers, max_batch_size, max_batch_delay_us, intra_op_threads, max_queue_size), filled into the command\'s placeholders',
      'target.server.max_batch_size: expected a whole number >= 0, got -1',
    ]],
    ['a bad metrics url placeholder', { command: 'server {port}', metrics_url: 'http://127.0.0.1:{metrics}/metrics' }, [expect.stringMatching(/^target\.metrics_url: unknown placeholder \{metrics\}/)]],
  ])('refuses %s, naming the field', (_label, target, expected) => {
    expect(problemsOf(target)).toEqual(expected);
  });

  it('refuses command fields on other targets', () => {
    expect(problemsOf({ url: 'http://127.0.0.1:8000', env: { A: 1 } })).toEqual(['target.env: only for a command target (this target is a url)']);
    expect(problemsOf({ kind: 'embedded', command: 'x' })).toEqual(['target.command: only for a command target (this target is embedded)']);
  });

  it('takes {port} from the env as well as from the command', () => {
    const scenario = parseScenario({ model: 'mlp', target: { command: 'mlserver start .', env: { MLSERVER_HTTP_PORT: '{port}' } }, phases }, 'peer.yaml', options);
    expect(scenario.target).toMatchObject({ url: 'http://127.0.0.1:{port}', env: { MLSERVER_HTTP_PORT: '{port}' } });
  });
});

describe('knob placeholders', () => {
  it('render each server\'s name in its own unit, unset knobs at servebench\'s defaults', async () => {
    const { knobPlaceholderValues } = await import('../../src/serving/knobs.ts');
    const values = knobPlaceholderValues({ max_batch_size: 16, max_batch_delay_us: 2500, workers: 2 });
    expect(values).toMatchObject({
      max_batch_size: '16', batch_size: '16', max_batch_delay_us: '2500', max_queue_delay_microseconds: '2500',
      max_batch_delay: '3', max_batch_delay_ms: '2.5', max_batch_time: '0.0025', instance_count: '2', parallel_workers: '2',
      intra_op_threads: '1', job_queue_size: '256',
    });
    // TorchServe takes a batch of at least 1 and a delay of 0 as 0.
    expect(knobPlaceholderValues({})).toMatchObject({ batch_size: '1', max_batch_delay: '0' });
  });
});

describe('config files for a start', () => {
  const target = (command: string) => parseScenario({ model: 'mlp', target: { command, cwd: '../..' }, phases }, 'peer.yaml', options).target as CommandTarget;

  it('make every knob the file carries launchable', () => {
    expect(launchKnobs(target('tritonserver --http-port {port} --config {config_pbtxt}'))).toEqual(['workers', 'max_batch_size', 'max_batch_delay_us', 'intra_op_threads', 'max_queue_size']);
    // TorchServe has no key for the ONNX Runtime thread count; the command line can still pass it.
    expect(launchKnobs(target('serve.sh --inference-port {port} --config {config_properties}'))).toEqual(['workers', 'max_batch_size', 'max_batch_delay_us', 'max_queue_size']);
    expect(launchKnobs(target('serve.sh --inference-port {port} --config {config_properties} --ort-threads {intra_op_threads}'))).toContain('intra_op_threads');
    expect(configFilePlaceholderOf(target('serve.sh --port {port} --config {config_properties}'))).toBe('config_properties');
    expect(configFilePlaceholderOf(target('serve.sh --port {port} --batch-size {batch_size}'))).toBeUndefined();
  });

  it('are rendered in the server\'s own format from the start\'s knobs (no delay with batching off)', () => {
    const pbtxt = renderConfigFile('config_pbtxt', { max_batch_size: 16, max_batch_delay_us: 500, workers: 2 }, { name: 'mlp' });
    expect(pbtxt).toMatch(/^name: "mlp"$/m);
    expect(pbtxt).toMatch(/^max_batch_size: 16\ndynamic_batching \{\n {2}max_queue_delay_microseconds: 500\n/m);
    expect(pbtxt).toMatch(/count: 2/);
    const properties = renderConfigFile('config_properties', { max_batch_size: 0, max_batch_delay_us: 5000 }, { name: 'mlp', version: '1' });
    expect(properties).toMatch(/^models=\{\\\n {2}"mlp": \{\\\n {4}"1": \{\\$/m);
    expect(properties).toMatch(/"batchSize": 1,\\\n {6}"maxBatchDelay": 0,/);
    expect(renderConfigFile('servebench_yaml', { workers: 3 }, { name: 'mlp' })).toMatch(/^model_settings:\n {2}mlp:\n {4}workers: 3\n/m);
  });
});
