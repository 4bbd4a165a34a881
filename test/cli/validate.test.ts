// `servebench validate FILE...` as a user runs it: every problem of every section of a file in one
// go, as file:line:col lines pointing at the field, one OK per good file, exit 0 or 2.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateFile } from '../../src/cli/validate.ts';
import { runServebench } from '../helpers/cli.ts';

let dir: string;
const file = (name: string) => join(dir, name);

// Each section of this file holds a problem (and the core two): all must come out at once.
const MANY = [
  'model: mlp',                    // 1
  'target:',                       // 2
  '  server:',                     // 3
  '    workerz: 2',                // 4  unknown server setting
  '    max_batch_size: 99999',     // 5  out of the server's range
  'phases:',                       // 6
  '  - kind: steady',              // 7
  '    load: {rate: fast}',        // 8  core schema
  '    duration: 5s',              // 9
  'thresholds: [p98 < 5ms]',       // 10 core threshold
  'sweep:',                        // 11
  '  knobs: {workers: [1, 0]}',    // 12 sweep schema
  '  stratgy: grid',               // 13 sweep unknown field
  'soak:',                         // 14
  '  duration: 1h',                // 15
  '  duration_s: 3600',            // 16 soak check: both forms
  '  thresholds: [rss_slope > 1MB/h]', // 17 soak threshold grammar
  'gate:',                         // 18
  '  rules: [p99 may fall at most 10%]', // 19 gate rule grammar
  '',
].join('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-validate-'));
  await writeFile(file('good.yaml'), 'model: mlp\nphases:\n  - kind: steady\n    duration: 2s\n    rate: 50\nsoak: {duration: 30s}\n');
  await writeFile(file('many.yaml'), MANY);
  await writeFile(file('rate.yaml'), 'model: mlp\nphases:\n  - kind: steady\n    duration: 2s\n    load:\n      rate: fast\n');
  await writeFile(file('syntax.yaml'), 'model: mlp\nphases: [\n');
  await writeFile(file('nomodel.yaml'), 'model: resnet\nphases:\n  - kind: steady\n    duration: 2s\n    rate: 50\n');
  await writeFile(file('version.yaml'), 'model: {name: mlp, version: "7"}\nphases:\n  - kind: steady\n    duration: 2s\n    rate: 50\n');
  // A url target's model is the server's business: not checked before the run.
  await writeFile(file('url.yaml'), 'model: resnet\ntarget: {url: "http://127.0.0.1:9"}\nphases:\n  - kind: steady\n    duration: 2s\n    rate: 50\n');
  await writeFile(file('settings.yaml'), 'model: mlp\ntarget: {server: {workers: "2", access_log: yes}}\nphases:\n  - kind: steady\n    duration: 2s\n    rate: 50\n');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('servebench validate', () => {
  it('reports the problems of every section of a file in one go, each at its line and column', async () => {
    const result = await runServebench(['validate', file('many.yaml')]);
    expect(result.code).toBe(2);
    const lines = result.stdout.trim().split('\n');
    const at = (line: number, col: number, text: string) => `${file('many.yaml')}:${line}:${col}: ${text}`;
    expect(lines).toEqual([
      at(4, 5, 'target.server.workerz: unknown field, did you mean "workers"?'),
      at(5, 5, 'target.server.max_batch_size: expected a number between 0 and 4096, got 99999'),
      at(8, 12, 'phases[0].load.rate: expected a positive number, got "fast"'),
      expect.stringMatching(/^.*:10:14: thresholds\[0\]: "p98 < 5ms": unknown metric "p98"/),
      at(12, 24, 'sweep.knobs.workers[1]: expected an integer between 1 and 64, got 0'),
      at(13, 3, 'sweep.stratgy: unknown field, did you mean "strategy"?'),
      at(16, 3, 'soak.duration_s: same as duration: give one of duration or duration_s, not both'),
      at(17, 16, 'soak.thresholds[0]: "rss_slope > 1MB/h": soak thresholds are upper bounds: use < or <='),
      expect.stringMatching(/^.*:19:11: gate\.rules\[0\]: "p99 may fall at most 10%": p99 is worse when it rises/),
    ]);
  });

  it('prints one OK line per good file and exits 0 when all are good', async () => {
    const result = await runServebench(['validate', file('good.yaml'), file('url.yaml'), file('settings.yaml')]);
    expect(result).toMatchObject({ code: 0, stdout: `${file('good.yaml')}: OK\n${file('url.yaml')}: OK\n${file('settings.yaml')}: OK\n` });
  });

  it('exits 2 when any file is bad, still checking the rest, with a missing file and a YAML error reported the same way', async () => {
    const result = await runServebench(['validate', file('rate.yaml'), file('missing.yaml'), file('syntax.yaml'), file('good.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stdout.split('\n')).toEqual([
      `${file('rate.yaml')}:6:7: phases[0].load.rate: expected a positive number, got "fast"`,
      `${file('missing.yaml')}: cannot read the scenario file (ENOENT); check the path, e.g. scenarios/quick.yaml`,
      expect.stringMatching(new RegExp(`^${file('syntax.yaml').replaceAll('.', '\\.')}:3:1: not valid YAML: `)),
      `${file('good.yaml')}: OK`,
      '',
    ]);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('checks that an embedded target\'s repository holds the model and version', async () => {
    expect(await validateFile(file('nomodel.yaml'))).toEqual([{ path: 'model', message: expect.stringMatching(/^no model "resnet" in .*models \(it holds cnn, mlp, pipeline\)$/), line: 1, column: 1 }]);
    expect((await validateFile(file('version.yaml')))[0]).toMatchObject({ path: 'model', message: expect.stringMatching(/^model "mlp" has no version 7 in .* \(it has 1\)$/) });
  });

  it('refuses to run without a file, exit 2', async () => {
    const result = await runServebench(['validate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/validate needs a scenario file/);
  });

  it('accepts every example scenario', async () => {
    const result = await runServebench(['validate', 'scenarios/quick.yaml', 'scenarios/tune-mlp.yaml', 'scenarios/soak.yaml', 'scenarios/gate.yaml', 'scenarios/soak-leak.yaml']);
    expect(result.stdout).not.toMatch(/: (?!OK$)/m);
    expect(result.code).toBe(0);
  });
});
