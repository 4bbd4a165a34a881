// MANIFEST.json binds a model version to the exact bytes of every file in its folder, so a model
// is never served with another version's config or pre-processing graph.
// Policy: the version folder must be flat. Subfolders and symlinks are refused (not skipped): a
// skipped entry would be an unbound file, and a symlink can point at another version's bytes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ServeError } from '../errors.ts';
import { MANIFEST_FILE, type Manifest } from './modelConfig.ts';

export type ManifestCheck = { bound: true; manifest: Manifest } | { bound: false };

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** sha256 of bytes already in memory, as the manifest writes it (lowercase hex). */
export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Names of the files a manifest covers (all but MANIFEST.json), sorted; throws on subfolders and symlinks. */
async function listBoundFiles(versionDir: string): Promise<string[]> {
  const entries = await readdir(versionDir, { withFileTypes: true });
  const names: string[] = [];
  for (const e of entries) {
    if (e.name === MANIFEST_FILE) continue;
    if (e.isSymbolicLink()) {
      throw new ServeError('SB_ERR_MANIFEST', `${path.join(versionDir, e.name)} is a symlink; a version folder must hold its own files (copy the file in instead)`);
    }
    if (!e.isFile()) {
      throw new ServeError('SB_ERR_MANIFEST', `${path.join(versionDir, e.name)} is not a regular file; a version folder must be flat (move it out)`);
    }
    names.push(e.name);
  }
  // Code-unit order, not locale order: the manifest must be the same on every machine.
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `.../<model>/<version>` -> its model and version names. */
export function modelVersionFromPath(versionDir: string): { model: string; version: string } {
  const abs = path.resolve(versionDir);
  return { model: path.basename(path.dirname(abs)), version: path.basename(abs) };
}

/** sha256 and size of every regular file in the version folder except MANIFEST.json. */
export async function computeManifest(versionDir: string, model: string, version: string): Promise<Manifest> {
  const files: Manifest['files'] = {};
  for (const name of await listBoundFiles(versionDir)) {
    const file = path.join(versionDir, name);
    const { size } = await lstat(file);
    files[name] = { sha256: await sha256File(file), bytes: size };
  }
  return { model, version, created: new Date().toISOString(), files };
}

/** Validates the shape of a parsed MANIFEST.json; pure. */
export function parseManifest(text: string, where: string): Manifest {
  const bad = (what: string) => new ServeError('SB_ERR_MANIFEST', `${where} is malformed: ${what}; rebuild it with \`servebench pack\``);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw bad(`not JSON (${(err as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('expected an object');
  const m = raw as Record<string, unknown>;
  for (const key of ['model', 'version', 'created'] as const) {
    if (typeof m[key] !== 'string') throw bad(`"${key}" must be a string`);
  }
  if (typeof m.files !== 'object' || m.files === null || Array.isArray(m.files)) throw bad('"files" must be an object');
  for (const [name, entry] of Object.entries(m.files as Record<string, unknown>)) {
    const e = entry as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null) throw bad(`files["${name}"] must be an object`);
    if (typeof e.sha256 !== 'string' || !SHA256_HEX.test(e.sha256)) throw bad(`files["${name}"].sha256 must be 64 lowercase hex digits`);
    if (!Number.isSafeInteger(e.bytes) || (e.bytes as number) < 0) throw bad(`files["${name}"].bytes must be a non-negative integer`);
    if (name === MANIFEST_FILE || name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
      throw bad(`files["${name}"] is not a file name in the version folder`);
    }
  }
  return m as unknown as Manifest;
}

export async function readManifest(versionDir: string): Promise<Manifest | undefined> {
  const where = path.join(versionDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(where, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseManifest(text, where);
}

/**
 * Checks every file of the version folder against MANIFEST.json. `{ bound: false }` when there is
 * no manifest (the caller warns); throws SB_ERR_MANIFEST listing every file that does not match.
 */
export async function verifyManifest(versionDir: string): Promise<ManifestCheck> {
  const manifest = await readManifest(versionDir);
  if (!manifest) return { bound: false };
  await checkManifest(versionDir, manifest, new Map());
  return { bound: true, manifest };
}

/**
 * Throws SB_ERR_MANIFEST listing every file of the folder that does not match `manifest`. `known`
 * holds the sha256 of files the caller has already read (the bytes it will use), so what is
 * checked is what is served; the rest are hashed from disk.
 */
export async function checkManifest(versionDir: string, manifest: Manifest, known: ReadonlyMap<string, string>): Promise<void> {
  const problems: string[] = [];
  const here = modelVersionFromPath(versionDir);
  // A folder copied from another version keeps its manifest: that is exactly the mix-up to catch.
  if (manifest.model !== here.model || manifest.version !== here.version) {
    problems.push(`${MANIFEST_FILE}: made for ${manifest.model}/${manifest.version}, found in ${here.model}/${here.version}`);
  }
  const present = new Set(await listBoundFiles(versionDir));
  for (const [name, expected] of Object.entries(manifest.files)) {
    if (!present.has(name)) {
      problems.push(`${name}: listed in the manifest but missing`);
      continue;
    }
    const file = path.join(versionDir, name);
    const actual = known.get(name) ?? (await sha256File(file));
    if (actual !== expected.sha256) {
      const { size } = await lstat(file);
      problems.push(`${name}: sha256 mismatch (manifest ${expected.sha256.slice(0, 12)}…, file ${actual.slice(0, 12)}…, ${expected.bytes} -> ${size} bytes)`);
    }
  }
  for (const name of present) {
    if (!(name in manifest.files)) problems.push(`${name}: present but not in the manifest`);
  }
  if (problems.length > 0) {
    throw new ServeError(
      'SB_ERR_MANIFEST',
      `${path.join(versionDir, MANIFEST_FILE)} does not match the folder: ${problems.join('; ')}. ` +
        `Restore the files, or run \`servebench pack ${versionDir}\` if the change is intended.`,
    );
  }
}

function sameFiles(a: Manifest['files'], b: Manifest['files']): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] !== undefined && a[k].sha256 === b[k].sha256 && a[k].bytes === b[k].bytes);
}

/**
 * Writes or refreshes MANIFEST.json for `.../<model>/<version>`. An unchanged folder keeps its
 * `created` stamp, so re-packing identical bytes rewrites an identical file.
 */
export async function packModelVersion(versionDir: string): Promise<Manifest> {
  const { model, version } = modelVersionFromPath(versionDir);
  const fresh = await computeManifest(versionDir, model, version);
  let previous: Manifest | undefined;
  try {
    previous = await readManifest(versionDir);
  } catch {
    previous = undefined; // a malformed manifest is exactly what pack is for replacing
  }
  const manifest =
    previous && previous.model === model && previous.version === version && sameFiles(previous.files, fresh.files)
      ? { ...fresh, created: previous.created }
      : fresh;
  await writeFile(path.join(versionDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
