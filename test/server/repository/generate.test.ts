import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGENET_MEAN, IMAGENET_STD, modelDefinitions } from '../../../scripts/models/definitions.ts';
import { writeModelDefinitions } from '../../../scripts/models/generate.ts';
import { mulberry32 } from '../../../scripts/models/onnx-builder.ts';
import type { Manifest } from '../../../src/server/repository/modelConfig.ts';

const MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models');
const dirs: string[] = [];
let first: string;
let second: string;

/** Every file under a repository, relative path -> bytes. */
async function snapshot(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const def of modelDefinitions()) {
    const dir = path.join(root, def.name, def.version);
    for (const name of (await readdir(dir)).sort()) out.set(`${def.name}/${def.version}/${name}`, await readFile(path.join(dir, name)));
  }
  return out;
}

/** A manifest without its creation stamp: what the bytes are, not when they were packed. */
const bindings = (bytes: Buffer) => (JSON.parse(bytes.toString('utf8')) as Manifest).files;

beforeAll(async () => {
  first = await mkdtemp(path.join(os.tmpdir(), 'sb-gen-a-'));
  second = await mkdtemp(path.join(os.tmpdir(), 'sb-gen-b-'));
  dirs.push(first, second);
  await writeModelDefinitions(first);
  await writeModelDefinitions(second);
});

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('model generator', () => {
  it('mulberry32 is the same stream for the same seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(43)()).not.toBe(xs[0]);
  });

  it('writes byte-identical files on every run', async () => {
    const a = await snapshot(first);
    const b = await snapshot(second);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [file, bytes] of a) {
      if (file.endsWith('MANIFEST.json')) expect(bindings(bytes), file).toEqual(bindings(b.get(file)!));
      else expect(bytes.equals(b.get(file)!), file).toBe(true);
    }
    // Re-running over an existing repository keeps even the manifest's stamp.
    await writeModelDefinitions(first);
    const again = await snapshot(first);
    for (const [file, bytes] of a) expect(bytes.equals(again.get(file)!), file).toBe(true);
  });

  it('matches the committed models/ (run `npm run models` after changing a definition)', async () => {
    const generated = await snapshot(first);
    const committed = await snapshot(MODELS);
    expect([...committed.keys()]).toEqual([...generated.keys()]);
    for (const [file, bytes] of generated) {
      if (file.endsWith('MANIFEST.json')) expect(bindings(committed.get(file)!), file).toEqual(bindings(bytes));
      else expect(committed.get(file)!.equals(bytes), file).toBe(true);
    }
  });

  it('keeps models/ small', async () => {
    const total = [...(await snapshot(MODELS)).values()].reduce((n, b) => n + b.length, 0);
    expect(total).toBeLessThan(20 * 1024 * 1024);
  });

  it("pipeline's preprocess scales, normalises per channel and transposes HWC to CHW", async () => {
    const pre = await ort.InferenceSession.create(path.join(first, 'pipeline', '1', 'preprocess.onnx'));
    try {
      const image = new Uint8Array(2 * 64 * 64 * 3);
      for (let i = 0; i < image.length; i++) image[i] = (i * 7) % 256;
      const out = await pre.run({ image: new ort.Tensor('uint8', image, [2, 64, 64, 3]) });
      const pixels = out.pixels;
      expect(pixels.dims).toEqual([2, 3, 64, 64]);
      const data = pixels.data as Float32Array;
      for (const [b, y, x, c] of [[0, 0, 0, 0], [0, 5, 9, 2], [1, 63, 1, 1], [1, 30, 63, 0]]) {
        const raw = image[((b * 64 + y) * 64 + x) * 3 + c];
        const expected = (raw / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
        expect(data[((b * 3 + c) * 64 + y) * 64 + x]).toBeCloseTo(expected, 5);
      }
    } finally {
      await pre.release();
    }
  });

  it.each([
    ['mlp', 'model.onnx', 'input', [4, 784]],
    ['cnn', 'model.onnx', 'input', [2, 3, 64, 64]],
    ['pipeline', 'classifier.onnx', 'pixels', [2, 3, 64, 64]],
  ] as const)('%s/%s gives finite logits that depend on the input', async (name, file, input, shape) => {
    const session = await ort.InferenceSession.create(path.join(first, name, '1', file));
    try {
      const n = shape.reduce((a, b) => a * b, 1);
      const rng = mulberry32(7);
      const data = Float32Array.from({ length: n }, () => rng());
      const logits = (await session.run({ [input]: new ort.Tensor('float32', data, [...shape]) })).logits;
      expect(logits.dims).toEqual([shape[0], 10]);
      const values = Array.from(logits.data as Float32Array);
      expect(values.every(Number.isFinite)).toBe(true);
      // Different samples, different rows: the weights are not degenerate.
      expect(values.slice(0, 10)).not.toEqual(values.slice(10, 20));
    } finally {
      await session.release();
    }
  });
});
