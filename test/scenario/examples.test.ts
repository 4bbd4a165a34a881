import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, PACKAGE_ROOT, parseScenario, parseScenarioText } from '../../src/scenario/load.ts';
import { renderPublishedSchema } from '../../src/cli/publishedSchema.ts';

const SCENARIOS = path.join(PACKAGE_ROOT, 'scenarios');
const examples = (await readdir(SCENARIOS)).filter((f) => f.endsWith('.yaml')).sort();

describe('scenarios/schema.json', () => {
  it('is exactly what src/scenario/schema.ts renders (regenerate: npx tsx scripts/write-scenario-schema.ts)', async () => {
    expect(await readFile(path.join(SCENARIOS, 'schema.json'), 'utf8')).toBe(renderPublishedSchema());
  });

  it('is a standalone draft-07 schema that editors can use, and accepts every example', async () => {
    const schema = JSON.parse(await readFile(path.join(SCENARIOS, 'schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    for (const file of examples) {
      const data = parseYaml(await readFile(path.join(SCENARIOS, file), 'utf8'));
      expect(validate(data), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});

describe('example scenarios', () => {
  it('include the six the README describes', () => {
    expect(examples).toEqual(expect.arrayContaining(['quick.yaml', 'malformed.yaml', 'shutdown.yaml', 'flap.yaml', 'overload.yaml', 'aborts.yaml', 'slow-clients.yaml']));
  });

  it.each(examples)('%s loads, names the schema for editors and stays short', async (file) => {
    const text = await readFile(path.join(SCENARIOS, file), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json');
    const { scenario } = await loadScenarioFile(path.join(SCENARIOS, file));
    expect(scenario.name).toBe(file.replace(/\.yaml$/, ''));
    const seconds = scenario.phases.reduce((sum, p) => sum + (p.duration_s ?? 0), 0);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(file === 'quick.yaml' ? 45 : 30);
  });

  it('quick.yaml is the main job: embedded mlp, warm-up, a closed and an open steady phase, thresholds', async () => {
    const { scenario } = await loadScenarioFile(path.join(SCENARIOS, 'quick.yaml'));
    expect(scenario.target).toMatchObject({ kind: 'embedded', models_dir: path.join(PACKAGE_ROOT, 'models') });
    expect(scenario.model.name).toBe('mlp');
    expect(scenario.phases.map((p) => [p.kind, p.kind === 'ramp' ? p.mode : p.load.mode])).toEqual([
      ['warmup', 'closed'], ['steady', 'closed'], ['steady', 'open'],
    ]);
    expect(scenario.thresholds).toEqual(['p99 < 100ms', 'error_rate < 1%']);
  });
});

describe('scenarios/README.md', () => {
  it('shows a format example that loads', async () => {
    const readme = await readFile(path.join(SCENARIOS, 'README.md'), 'utf8');
    const example = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).find((block) => block.includes('phases:'));
    expect(example).toBeDefined();
    const { data } = parseScenarioText(example ?? '', 'README.yaml');
    expect(() => parseScenario(data, 'README.yaml')).not.toThrow();
    expect(parseScenario(data, 'README.yaml').phases.map((p) => p.name)).toEqual(['warmup', 'open-500']);
  });
});
