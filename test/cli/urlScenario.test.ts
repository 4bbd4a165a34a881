// The flags of `servebench run --url` as a scenario: what they build, that the printed YAML loads
// back to the same scenario, and the flag mistakes refused before anything starts.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioYaml, schemaReference, urlScenarioInput, type UrlRunValues } from '../../src/cli/urlScenario.ts';
import { parseScenario, parseScenarioText } from '../../src/scenario/load.ts';

const base = { url: 'http://127.0.0.1:8000', model: 'mlp' } satisfies UrlRunValues;

describe('urlScenarioInput', () => {
  it('builds a warm-up and a steady phase at the given rate against a url target', () => {
    expect(urlScenarioInput({ ...base, rate: '200', duration: '5s' })).toEqual({
      name: 'mlp',
      description: 'servebench run --url http://127.0.0.1:8000 --model mlp --rate 200 --duration 5s',
      target: { kind: 'url', url: 'http://127.0.0.1:8000', protocol: 'kserve-v2' },
      model: 'mlp',
      phases: [
        { kind: 'warmup', duration: '3s', rate: 200 },
        { kind: 'steady', name: 'open-200', duration: '5s', rate: 200 },
      ],
    });
  });

  it('defaults to a closed loop of 8 connections for 30s, and takes the other flags as given', () => {
    const input = urlScenarioInput({ ...base, protocol: 'torchserve', warmup: '0', 'ready-timeout': '2s', model: 'my model' }, '/data/bodies.jsonl');
    expect(input.name).toBe('my-model');
    expect(input.target).toEqual({ kind: 'url', url: 'http://127.0.0.1:8000', protocol: 'torchserve', ready_timeout: '2s' });
    expect(input.payload).toEqual({ fixture: '/data/bodies.jsonl' });
    expect(input.phases).toEqual([{ kind: 'steady', name: 'closed-8', duration: '30s', connections: 8 }]);
    expect(input.description).toContain("--model 'my model'");
  });

  it('passes the loader: a url target, a closed loop, no threshold', () => {
    const scenario = parseScenario(urlScenarioInput({ ...base, connections: '4', duration: '90' }), '--url');
    expect(scenario.target).toMatchObject({ kind: 'url', url: 'http://127.0.0.1:8000', protocol: 'kserve-v2', ready_timeout_ms: 60_000 });
    expect(scenario.phases.map((p) => [p.kind, p.duration_s, p.kind === 'ramp' ? undefined : p.load])).toEqual([
      ['warmup', 3, { mode: 'closed', connections: 4, pipelining: 1 }],
      ['steady', 90, { mode: 'closed', connections: 4, pipelining: 1 }],
    ]);
    expect(scenario.thresholds).toEqual([]);
  });

  it.each([
    [{ url: base.url }, '--url needs --model'],
    [{ ...base, rate: '10', connections: '2' }, 'give --rate (open loop: requests per second) or --connections (closed loop), not both'],
    [{ ...base, duration: 'soon' }, '--duration takes a duration like 30s, 500ms or 2m, got "soon"'],
    [{ ...base, duration: '0s' }, '--duration takes a positive duration like 30s, got "0s"'],
    [{ ...base, warmup: 'x' }, '--warmup takes a duration'],
    [{ ...base, rate: 'fast' }, '--rate takes requests per second, a positive number like 200, got "fast"'],
    [{ ...base, rate: '0' }, '--rate takes requests per second'],
    [{ ...base, connections: '0' }, '--connections takes a whole number of connections between 1 and 10000, got "0"'],
    [{ ...base, connections: '20000' }, '--connections takes a whole number'],
    [{ ...base, protocol: 'grpc' }, '--protocol takes kserve-v2 or torchserve, got "grpc"'],
    [{ ...base, url: '127.0.0.1:8000' }, '--url takes a server origin like http://127.0.0.1:8000, got "127.0.0.1:8000"'],
  ] as [UrlRunValues, string][])('refuses %j, saying what to give', (values, message) => {
    expect(() => urlScenarioInput(values)).toThrow(expect.objectContaining({ code: 'SB_ERR_USAGE' }));
    expect(() => urlScenarioInput(values)).toThrow(message);
  });
});

describe('scenarioYaml', () => {
  it('starts with the editor schema line and loads back to the scenario the flags make', () => {
    const input = urlScenarioInput({ ...base, rate: '50', duration: '1.5m', 'ready-timeout': '5s' }, '/data/body.json');
    const text = scenarioYaml(input, 'node_modules/servebench/scenarios/schema.json');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=node_modules/servebench/scenarios/schema.json');
    const { data } = parseScenarioText(text, 'printed.yaml');
    expect(parseScenario(data, 'printed.yaml', { baseDir: '/elsewhere' })).toEqual(parseScenario(input, '--url'));
  });
});

describe('schemaReference', () => {
  it('is relative to the current folder when the package is installed under it', () => {
    const cwd = path.join(path.sep, 'work', 'app');
    expect(schemaReference(cwd, path.join(cwd, 'node_modules', 'servebench', 'scenarios', 'schema.json'))).toBe('node_modules/servebench/scenarios/schema.json');
  });

  it('is the absolute path for a package installed elsewhere (globally)', () => {
    const schema = path.join(path.sep, 'usr', 'lib', 'node_modules', 'servebench', 'scenarios', 'schema.json');
    expect(schemaReference(path.join(path.sep, 'work', 'app'), schema)).toBe(schema);
  });
});
