import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datatypeFromOrt } from '../../../src/server/codec/tensor.ts';
import { packModelVersion } from '../../../src/server/repository/manifest.ts';
import type { ModelConfig } from '../../../src/server/repository/modelConfig.ts';
import { isSafeName, loadModelVersion, scanRepository, scanRepositoryDetailed } from '../../../src/server/repository/repository.ts';
import { buildMlp } from '../../../scripts/models/definitions.ts';

const MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models');
let root: string;

const tiny = (batchDim: number | string) => buildMlp({ layers: [4, 3], batchDim, inputName: 'features', outputName: 'scores' });

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'sb-repo-'));
  await cp(path.join(MODELS, 'mlp'), path.join(root, 'mlp'), { recursive: true });
  await cp(path.join(MODELS, 'pipeline'), path.join(root, 'pipeline'), { recursive: true });
  await writeFile(path.join(root, 'README.md'), '# not a model\n');
  await writeFile(path.join(root, 'dropped.onnx'), tiny('batch'));
  await writeFile(path.join(root, 'fixed.onnx'), tiny(1));
  await mkdir(path.join(root, 'auto', '1'), { recursive: true });
  await writeFile(path.join(root, 'auto', '1', 'net.onnx'), tiny('n'));
  await mkdir(path.join(root, 'auto', '7'));
  await mkdir(path.join(root, 'auto', 'notes'));
  await mkdir(path.join(root, 'garbage', '1'), { recursive: true });
  await writeFile(path.join(root, 'garbage', '1', 'model.onnx'), 'this is not protobuf');
  await mkdir(path.join(root, 'bad name', '1'), { recursive: true });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function errorOf(p: Promise<unknown>): Promise<Error & { code?: string }> {
  const result = await p.then(
    () => undefined,
    (e: unknown) => e as Error & { code?: string },
  );
  if (!result) throw new Error('expected a rejection');
  return result;
}

describe('isSafeName', () => {
  it.each(['mlp', 'resnet-50', 'a.b_c', 'V2'])('accepts %s', (s) => expect(isSafeName(s)).toBe(true));
  it.each(['../etc', '..', 'a/b', 'a\\b', '.hidden', '', 'a..b', 'x'.repeat(129), 'name with space'])('refuses %j', (s) => expect(isSafeName(s)).toBe(false));
});

describe('scanRepository', () => {
  it('lists folder models, bare ONNX files and auto-configured versions, ignoring README.md', async () => {
    const models = await scanRepository(root);
    expect(models).toEqual([
      { name: 'auto', versions: ['1'], kind: 'folder', autoConfigured: ['1'] },
      { name: 'dropped', versions: ['1'], kind: 'bare', autoConfigured: ['1'] },
      { name: 'fixed', versions: ['1'], kind: 'bare', autoConfigured: ['1'] },
      { name: 'garbage', versions: ['1'], kind: 'folder', autoConfigured: ['1'] },
      { name: 'mlp', versions: ['1'], kind: 'folder', autoConfigured: [] },
      { name: 'pipeline', versions: ['1'], kind: 'folder', autoConfigured: [] },
    ]);
  });

  it('warns about entries that look like models but cannot be served', async () => {
    const { warnings } = await scanRepositoryDetailed(root);
    expect(warnings).toEqual([
      expect.stringMatching(/auto\/7 has no config\.json and 0 ONNX files/),
      expect.stringMatching(/'bad name' is not a valid model name/),
    ]);
  });

  it('sorts versions numerically', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sb-repo-versions-'));
    try {
      for (const v of ['10', '9', '2']) {
        await mkdir(path.join(dir, 'm', v), { recursive: true });
        await writeFile(path.join(dir, 'm', v, 'model.onnx'), tiny('batch'));
      }
      expect((await scanRepository(dir))[0].versions).toEqual(['2', '9', '10']);
      expect((await loadModelVersion(dir, 'm')).config.version).toBe('10');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('loadModelVersion', () => {
  it.each(['mlp', 'cnn', 'pipeline'])('loads generated model %s bound by its manifest, its config as written', async (name) => {
    const loaded = await loadModelVersion(MODELS, name);
    const written = JSON.parse(await readFile(path.join(MODELS, name, '1', 'config.json'), 'utf8')) as ModelConfig;
    expect(loaded.bound).toBe(true);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config).toEqual(written);
    expect(loaded.dir).toBe(path.join(MODELS, name, '1'));
    const fileNames = (written.steps ?? [{ model_file: written.model_file! }]).map((s) => path.join(MODELS, name, '1', s.model_file));
    expect(loaded.files.map((f) => f.path)).toEqual(fileNames);
  });

  it.each(['mlp', 'cnn', 'pipeline'])("%s's config matches what onnxruntime reports", async (name) => {
    const { config, files } = await loadModelVersion(MODELS, name);
    const first = await ort.InferenceSession.create(files[0].path);
    const last = await ort.InferenceSession.create(files[files.length - 1].path);
    try {
      const expectSpec = (spec: ModelConfig['input'][number], meta: ort.InferenceSession.ValueMetadata) => {
        if (!meta.isTensor) throw new Error(`${meta.name} is not a tensor`);
        expect(spec.name).toBe(meta.name);
        expect(spec.datatype).toBe(datatypeFromOrt(meta.type));
        expect(meta.shape[0]).toBe('batch');
        expect(spec.dims).toEqual(meta.shape.slice(1));
      };
      expect(config.input).toHaveLength(first.inputMetadata.length);
      expect(config.output).toHaveLength(last.outputMetadata.length);
      config.input.forEach((s, i) => expectSpec(s, first.inputMetadata[i]));
      config.output.forEach((s, i) => expectSpec(s, last.outputMetadata[i]));
    } finally {
      await first.release();
      await last.release();
    }
  });

  it('configures a dropped-in bare ONNX with a dynamic batch dim as batched, unbound', async () => {
    const loaded = await loadModelVersion(root, 'dropped');
    expect(loaded.config).toEqual({
      name: 'dropped',
      version: '1',
      platform: 'onnxruntime',
      model_file: 'dropped.onnx',
      max_batch_size: 64,
      input: [{ name: 'features', datatype: 'FP32', dims: [4] }],
      output: [{ name: 'scores', datatype: 'FP32', dims: [3] }],
    });
    expect(loaded.bound).toBe(false);
    expect(loaded.files.map((f) => f.path)).toEqual([path.join(root, 'dropped.onnx')]);
    expect(loaded.warnings[0]).toMatch(/bare ONNX file: nothing binds it/);
  });

  it('serves a bare ONNX with a static batch dim unbatched and says why', async () => {
    const loaded = await loadModelVersion(root, 'fixed');
    expect(loaded.config.max_batch_size).toBe(0);
    expect(loaded.config.input).toEqual([{ name: 'features', datatype: 'FP32', dims: [1, 4] }]);
    expect(loaded.notes).toContain("input 'features' has static leading dim 1: serving unbatched (max_batch_size 0)");
  });

  it('auto-configures a version folder with one ONNX and no config.json, warning that nothing binds it', async () => {
    const loaded = await loadModelVersion(root, 'auto', '1');
    expect(loaded.config.model_file).toBe('net.onnx');
    expect(loaded.config.max_batch_size).toBe(64);
    expect(loaded.bound).toBe(false);
    expect(loaded.warnings[0]).toMatch(/has no MANIFEST\.json: nothing binds its files together; run `servebench pack/);
    expect(loaded.notes[0]).toMatch(/has no config\.json: configured from net\.onnx/);
  });

  it.each(['../etc', '..', 'mlp/../pipeline', '/etc'])('refuses the unsafe model name %j without touching the file system', async (name) => {
    const err = await errorOf(loadModelVersion(root, name));
    expect(err.code).toBe('SB_ERR_MODEL_NOT_FOUND');
  });

  it('refuses an unsafe version name', async () => {
    const err = await errorOf(loadModelVersion(root, 'mlp', '../../pipeline/1'));
    expect(err.code).toBe('SB_ERR_VERSION_NOT_FOUND');
  });

  it('lists the models that exist when the model is unknown', async () => {
    const err = await errorOf(loadModelVersion(root, 'resnet'));
    expect(err.code).toBe('SB_ERR_MODEL_NOT_FOUND');
    expect(err.message).toContain('(models: auto, dropped, fixed, garbage, mlp, pipeline)');
  });

  it('lists the versions that exist when the version is unknown, and why a folder was skipped', async () => {
    const missing = await errorOf(loadModelVersion(root, 'mlp', '3'));
    expect(missing.code).toBe('SB_ERR_VERSION_NOT_FOUND');
    expect(missing.message).toContain('has no version "3" (versions: 1)');
    const skipped = await errorOf(loadModelVersion(root, 'auto', '7'));
    expect(skipped.message).toMatch(/versions: 1\): .*auto\/7 has no config\.json and 0 ONNX files/);
  });

  it('names an ONNX file that does not parse', async () => {
    const err = await errorOf(loadModelVersion(root, 'garbage'));
    expect(err.code).toBe('SB_ERR_MODEL_LOAD');
    expect(err.message).toContain(path.join(root, 'garbage', '1', 'model.onnx'));
  });

  describe('a version folder copied from another version', () => {
    it('is refused by its manifest, then by its config, and loads as the latest once both are fixed', async () => {
      const v2 = path.join(root, 'mlp', '2');
      await cp(path.join(root, 'mlp', '1'), v2, { recursive: true });
      const byManifest = await errorOf(loadModelVersion(root, 'mlp'));
      expect(byManifest.code).toBe('SB_ERR_MANIFEST');
      expect(byManifest.message).toContain('made for mlp/1, found in mlp/2');

      await packModelVersion(v2);
      const byConfig = await errorOf(loadModelVersion(root, 'mlp'));
      expect(byConfig.code).toBe('SB_ERR_CONFIG');
      expect(byConfig.message).toBe(`${path.join(v2, 'config.json')}: version: config says '1', the version folder is '2'`);

      const config = JSON.parse(await readFile(path.join(v2, 'config.json'), 'utf8')) as ModelConfig;
      await writeFile(path.join(v2, 'config.json'), JSON.stringify({ ...config, version: '2' }));
      await packModelVersion(v2);
      const loaded = await loadModelVersion(root, 'mlp');
      expect(loaded.config.version).toBe('2');
      expect(loaded.bound).toBe(true);
      expect((await loadModelVersion(root, 'mlp', '1')).config.version).toBe('1');
    });
  });

  it('refuses a config.json with an unknown field or a contradiction, naming the file and field', async () => {
    const dir = path.join(root, 'strict', '1');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'model.onnx'), tiny('batch'));
    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ model_file: 'model.onnx', max_batch: 4 }));
    const unknown = await errorOf(loadModelVersion(root, 'strict'));
    expect(unknown.code).toBe('SB_ERR_CONFIG');
    expect(unknown.message).toContain(`${path.join(dir, 'config.json')}: max_batch: unknown field`);

    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ input: [{ name: 'features', datatype: 'FP16' }] }));
    const contradiction = await errorOf(loadModelVersion(root, 'strict'));
    expect(contradiction.message).toBe(`${path.join(dir, 'config.json')}: input[0].datatype: config says FP16, model.onnx has FP32`);

    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ model_file: 'other.onnx' }));
    const missing = await errorOf(loadModelVersion(root, 'strict'));
    expect(missing.message).toMatch(/model_file: 'other\.onnx' is not in .*strict\/1 \(files: /);
  });

  describe('symlinks', () => {
    let outside: string;
    beforeAll(async () => {
      outside = await mkdtemp(path.join(os.tmpdir(), 'sb-outside-'));
      await mkdir(path.join(outside, 'elsewhere', '1'), { recursive: true });
      await writeFile(path.join(outside, 'elsewhere', '1', 'model.onnx'), tiny('batch'));
    });
    afterAll(async () => {
      await rm(outside, { recursive: true, force: true });
    });

    it('skips a model folder linked from outside the repository, saying so, and serves one linked from inside', async () => {
      await symlink(path.join(outside, 'elsewhere'), path.join(root, 'linked-out'));
      await symlink(path.join(root, 'auto'), path.join(root, 'linked-in'));
      try {
        const { models, warnings } = await scanRepositoryDetailed(root);
        expect(models.map((m) => m.name)).not.toContain('linked-out');
        expect(models.map((m) => m.name)).toContain('linked-in');
        expect(warnings).toContainEqual(expect.stringMatching(/linked-out is a symlink to .*elsewhere, outside the repository; skipped/));
        expect((await errorOf(loadModelVersion(root, 'linked-out'))).code).toBe('SB_ERR_MODEL_NOT_FOUND');
      } finally {
        await rm(path.join(root, 'linked-out'));
        await rm(path.join(root, 'linked-in'));
      }
    });

    it('refuses a version folder linked from outside the repository', async () => {
      await mkdir(path.join(root, 'versionlink'));
      await symlink(path.join(outside, 'elsewhere', '1'), path.join(root, 'versionlink', '1'));
      try {
        const { models, warnings } = await scanRepositoryDetailed(root);
        expect(models.map((m) => m.name)).not.toContain('versionlink');
        expect(warnings).toContainEqual(expect.stringMatching(/versionlink\/1 is a symlink to .*outside the repository; skipped/));
      } finally {
        await rm(path.join(root, 'versionlink'), { recursive: true });
      }
    });

    it('refuses an ONNX file that is a symlink, naming it', async () => {
      const dir = path.join(root, 'filelink', '1');
      await mkdir(dir, { recursive: true });
      await symlink(path.join(outside, 'elsewhere', '1', 'model.onnx'), path.join(dir, 'model.onnx'));
      try {
        const err = await errorOf(loadModelVersion(root, 'filelink'));
        expect(err.code).toBe('SB_ERR_CONFIG');
        expect(err.message).toBe(`${path.join(dir, 'model.onnx')} is a symlink; a model's files must be in its own folder (copy the file in instead)`);
      } finally {
        await rm(path.join(root, 'filelink'), { recursive: true });
      }
    });
  });

  it('never parses an ONNX file whose bytes differ from the manifest: the manifest error names it', async () => {
    const dir = path.join(root, 'tampered', '1');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'model.onnx'), tiny('batch'));
    await packModelVersion(dir);
    // Bytes onnxruntime cannot parse: a parse before the check would fail as SB_ERR_MODEL_LOAD instead.
    await writeFile(path.join(dir, 'model.onnx'), 'tampered bytes');
    const err = await errorOf(loadModelVersion(root, 'tampered'));
    expect(err.code).toBe('SB_ERR_MANIFEST');
    expect(err.message).toMatch(/model\.onnx: sha256 mismatch/);
  });
});
