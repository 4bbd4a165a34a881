import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeManifest, packModelVersion, verifyManifest } from '../../../src/server/repository/manifest.ts';
import { MANIFEST_FILE, type Manifest } from '../../../src/server/repository/modelConfig.ts';

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'sb-manifest-'));
  dir = path.join(root, 'toy', '3');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'config.json'), '{"name":"toy","version":"3"}\n');
  await writeFile(path.join(dir, 'model.onnx'), Uint8Array.from([1, 2, 3, 4, 5]));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const readManifestFile = async (): Promise<Manifest> => JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8'));

describe('packModelVersion and verifyManifest', () => {
  it('binds every file with its sha256 and size, and a packed folder verifies', async () => {
    const manifest = await packModelVersion(dir);
    expect(manifest.model).toBe('toy');
    expect(manifest.version).toBe('3');
    expect(Object.keys(manifest.files)).toEqual(['config.json', 'model.onnx']);
    // sha256 of bytes 01..05, computed independently.
    expect(manifest.files['model.onnx']).toEqual({ sha256: '74f81fe167d99b4cb41d6d0ccda82278caee9f3e2f25d5e5a3936ff3dcec60d0', bytes: 5 });
    expect(await readManifestFile()).toEqual(manifest);
    const check = await verifyManifest(dir);
    expect(check.bound).toBe(true);
  });

  it('reports bound: false when there is no manifest', async () => {
    expect(await verifyManifest(dir)).toEqual({ bound: false });
  });

  it('names config.json when one byte of it changed', async () => {
    await packModelVersion(dir);
    const file = path.join(dir, 'config.json');
    const bytes = await readFile(file);
    bytes[2] ^= 0x01;
    await writeFile(file, bytes);
    const err = await verifyManifest(dir).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SB_ERR_MANIFEST' });
    expect((err as Error).message).toMatch(/config\.json: sha256 mismatch \(manifest [0-9a-f]{12}…, file [0-9a-f]{12}…/);
    expect((err as Error).message).not.toMatch(/model\.onnx/);
  });

  it('refuses a file that is not in the manifest', async () => {
    await packModelVersion(dir);
    await writeFile(path.join(dir, 'preprocess.onnx'), 'x');
    await expect(verifyManifest(dir)).rejects.toThrow(/preprocess\.onnx: present but not in the manifest/);
  });

  it('refuses a file listed in the manifest that is missing', async () => {
    await packModelVersion(dir);
    await rm(path.join(dir, 'model.onnx'));
    await expect(verifyManifest(dir)).rejects.toThrow(/model\.onnx: listed in the manifest but missing/);
  });

  it('refuses a manifest that is not JSON, or not a manifest', async () => {
    await writeFile(path.join(dir, MANIFEST_FILE), '{"model": ');
    await expect(verifyManifest(dir)).rejects.toMatchObject({ code: 'SB_ERR_MANIFEST', message: expect.stringMatching(/malformed: not JSON/) });
    await writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify({ model: 'toy', version: '3', created: 'x', files: { 'model.onnx': { sha256: 'abc', bytes: 5 } } }));
    await expect(verifyManifest(dir)).rejects.toThrow(/files\["model\.onnx"\]\.sha256 must be 64 lowercase hex digits/);
  });

  it('refuses a manifest copied from another version, even when the files match', async () => {
    const other = path.join(root, 'toy', '4');
    await mkdir(other);
    await writeFile(path.join(other, 'config.json'), '{"name":"toy","version":"3"}\n');
    await writeFile(path.join(other, 'model.onnx'), Uint8Array.from([1, 2, 3, 4, 5]));
    await packModelVersion(dir);
    await writeFile(path.join(other, MANIFEST_FILE), await readFile(path.join(dir, MANIFEST_FILE)));
    await expect(verifyManifest(other)).rejects.toThrow(/made for toy\/3, found in toy\/4/);
  });

  it('refuses subfolders and symlinks instead of leaving them unbound', async () => {
    await mkdir(path.join(dir, 'extra'));
    await expect(packModelVersion(dir)).rejects.toMatchObject({ code: 'SB_ERR_MANIFEST', message: expect.stringMatching(/extra is not a regular file/) });
    await rm(path.join(dir, 'extra'), { recursive: true });
    await symlink(path.join(dir, 'model.onnx'), path.join(dir, 'alias.onnx'));
    await expect(computeManifest(dir, 'toy', '3')).rejects.toThrow(/alias\.onnx is a symlink/);
  });

  it('keeps the created stamp when re-packing unchanged files, and renews it after a change', async () => {
    const first = await packModelVersion(dir);
    const stamped = { ...first, created: '2000-01-01T00:00:00.000Z' };
    await writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify(stamped));
    expect((await packModelVersion(dir)).created).toBe('2000-01-01T00:00:00.000Z');
    await writeFile(path.join(dir, 'model.onnx'), Uint8Array.from([9]));
    const changed = await packModelVersion(dir);
    expect(changed.created).not.toBe('2000-01-01T00:00:00.000Z');
    expect(changed.files['model.onnx'].bytes).toBe(1);
    expect((await verifyManifest(dir)).bound).toBe(true);
  });
});
