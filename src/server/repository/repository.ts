// The model repository on disk (Triton's layout): `<root>/<model>/<version>/{config.json,
// MANIFEST.json, *.onnx}`, plus bare `<root>/<model>.onnx` files served as version 1.
// This module does the I/O; deciding what a config means is autoConfig.ts and configJson.ts.
import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ServeError } from '../errors.ts';
import { inspectModelFiles } from '../workers/inspection.ts';
import type { OnnxFile } from '../workers/worker.ts';
import { completeModelConfig, type ModelIoMeta, type PartialModelConfig } from './autoConfig.ts';
import { parseConfigJson } from './configJson.ts';
import { checkManifest, readManifest, sha256Hex } from './manifest.ts';
import { CONFIG_FILE, type Manifest, type ModelConfig } from './modelConfig.ts';

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const VERSION_NAME = /^(0|[1-9][0-9]{0,15})$/;

/** True for a model name that may be joined to a path: no separators, no '..', not hidden. */
export function isSafeName(s: string): boolean {
  return SAFE_NAME.test(s) && !s.includes('..');
}

export interface RepositoryEntry {
  name: string;
  /** Version names, numerically ascending: the last is the latest. */
  versions: string[];
  /** A folder of versions, or a bare `<name>.onnx` served as version 1. */
  kind: 'folder' | 'bare';
  /** Versions without config.json, configured from their single ONNX file. */
  autoConfigured: string[];
}

interface ScanWarning {
  model: string;
  version?: string;
  message: string;
}

export interface LoadedModelVersion {
  config: ModelConfig;
  /** The version folder (the repository root for a bare ONNX file). */
  dir: string;
  /** The ONNX files in run order (one, or an ensemble's steps): their paths and the bytes read and verified once. */
  files: OnnxFile[];
  /** True when a MANIFEST.json bound every file of the version folder. */
  bound: boolean;
  warnings: string[];
  notes: string[];
}

const isOnnx = (name: string) => name.endsWith('.onnx') && !name.startsWith('.');

/**
 * A folder entry, or a symlink to a folder inside the repository. A link that leads outside is
 * refused with a warning: the repository is the boundary of what the server may read.
 */
async function isDirectory(parent: string, e: Dirent, repository: Repository, warnings: ScanWarning[]): Promise<boolean> {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  const linked = path.join(parent, e.name);
  const target = await realpath(linked).catch(() => undefined);
  if (target === undefined || !(await stat(target).catch(() => undefined))?.isDirectory()) return false;
  if (target !== repository.real && !target.startsWith(`${repository.real}${path.sep}`)) {
    warnings.push({ model: e.name, message: `${linked} is a symlink to ${target}, outside the repository; skipped` });
    return false;
  }
  return true;
}

interface Repository {
  root: string;
  /** The root with every symlink resolved: what links must stay inside. */
  real: string;
}

/** How a version folder is configured, or why it cannot be served. */
async function describeVersion(dir: string): Promise<{ auto: boolean } | { problem: string }> {
  const names = await readdir(dir);
  if (names.includes(CONFIG_FILE)) return { auto: false };
  const onnx = names.filter(isOnnx);
  if (onnx.length === 1) return { auto: true };
  return { problem: `${dir} has no ${CONFIG_FILE} and ${onnx.length} ONNX files; add a ${CONFIG_FILE} naming model_file or steps` };
}

async function scanModelFolder(repository: Repository, name: string, warnings: ScanWarning[]): Promise<RepositoryEntry | undefined> {
  const modelDir = path.join(repository.root, name);
  const versions: string[] = [];
  const autoConfigured: string[] = [];
  for (const e of await readdir(modelDir, { withFileTypes: true })) {
    if (!VERSION_NAME.test(e.name) || !(await isDirectory(modelDir, e, repository, warnings))) continue; // Triton ignores other entries too
    const d = await describeVersion(path.join(modelDir, e.name));
    if ('problem' in d) {
      warnings.push({ model: name, version: e.name, message: d.problem });
      continue;
    }
    versions.push(e.name);
    if (d.auto) autoConfigured.push(e.name);
  }
  if (versions.length === 0) {
    if (!warnings.some((w) => w.model === name)) {
      warnings.push({ model: name, message: `${modelDir} has no numeric version folders (expected ${path.join(modelDir, '1')}/)` });
    }
    return undefined;
  }
  const byNumber = (a: string, b: string) => Number(a) - Number(b);
  return { name, versions: versions.sort(byNumber), kind: 'folder', autoConfigured: autoConfigured.sort(byNumber) };
}

/** Lists the models and versions under `root`, with warnings for entries that look like models but cannot be served. */
export async function scanRepositoryDetailed(root: string): Promise<{ models: RepositoryEntry[]; warnings: string[] }> {
  let entries: Dirent[];
  let repository: Repository;
  try {
    entries = await readdir(root, { withFileTypes: true });
    repository = { root, real: await realpath(root) };
  } catch (err) {
    throw new ServeError('SB_ERR_CONFIG', `model repository ${root} cannot be read (${(err as Error).message}); run \`npm run models\` or pass --models DIR`);
  }
  const warnings: ScanWarning[] = [];
  const folders = new Map<string, RepositoryEntry>();
  const bare: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.')) continue;
    if (await isDirectory(root, e, repository, warnings)) {
      if (!isSafeName(e.name)) {
        warnings.push({ model: e.name, message: `${path.join(root, e.name)}: '${e.name}' is not a valid model name (letters, digits, '_', '-', '.'); skipped` });
        continue;
      }
      const entry = await scanModelFolder(repository, e.name, warnings);
      if (entry) folders.set(e.name, entry);
    } else if (e.isFile() && isOnnx(e.name)) {
      const name = e.name.slice(0, -'.onnx'.length);
      if (isSafeName(name)) bare.push(name);
      else warnings.push({ model: name, message: `${path.join(root, e.name)}: '${name}' is not a valid model name; skipped` });
    } // anything else (README.md, notes) is not a model: ignored quietly
  }
  for (const name of bare) {
    if (folders.has(name)) {
      warnings.push({ model: name, message: `${path.join(root, `${name}.onnx`)} is ignored: folder ${path.join(root, name)} defines model '${name}'` });
    } else {
      folders.set(name, { name, versions: ['1'], kind: 'bare', autoConfigured: ['1'] });
    }
  }
  const models = [...folders.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  return { models, warnings: warnings.map((w) => w.message) };
}

/** Lists the models and versions under `root`. */
export async function scanRepository(root: string): Promise<RepositoryEntry[]> {
  return (await scanRepositoryDetailed(root)).models;
}

/** A model's files live in its folder: a link could lead anywhere on the machine. */
async function refuseSymlink(file: string): Promise<void> {
  const stats = await lstat(file).catch(() => undefined);
  if (stats?.isSymbolicLink()) {
    throw new ServeError('SB_ERR_CONFIG', `${file} is a symlink; a model's files must be in its own folder (copy the file in instead)`);
  }
}

/** config.json's bytes, read once: they are both hashed against the manifest and parsed. */
async function readConfigBytes(dir: string): Promise<Buffer | undefined> {
  const file = path.join(dir, CONFIG_FILE);
  await refuseSymlink(file);
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ServeError('SB_ERR_CONFIG', `${file} cannot be read (${(err as Error).message})`);
  }
}

/** The ONNX files a config names (or the folder's single one), each checked to exist in `dir`. */
async function onnxFilesFor(dir: string, partial: PartialModelConfig | undefined): Promise<string[]> {
  const present = await readdir(dir);
  const named: [string, string][] = partial?.steps
    ? partial.steps.map((s, i) => [`steps[${i}].model_file`, s.model_file])
    : partial?.model_file
      ? [['model_file', partial.model_file]]
      : [];
  if (named.length === 0) {
    const onnx = present.filter(isOnnx);
    if (onnx.length !== 1) {
      throw new ServeError('SB_ERR_CONFIG', `${path.join(dir, CONFIG_FILE)} names no model_file and ${dir} has ${onnx.length} ONNX files (${onnx.join(', ') || 'none'}); set model_file or steps`);
    }
    return onnx;
  }
  for (const [field, file] of named) {
    if (!present.includes(file)) {
      throw new ServeError('SB_ERR_CONFIG', `${path.join(dir, CONFIG_FILE)}: ${field}: '${file}' is not in ${dir} (files: ${present.join(', ')})`);
    }
  }
  return named.map(([, file]) => file);
}

/** Prefixes a config error with the file it is about, so the message stands alone in a log. */
function withSource<T>(source: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof ServeError && err.code === 'SB_ERR_CONFIG') throw new ServeError(err.code, `${source}: ${err.message}`);
    throw err;
  }
}

function notFound(root: string, name: string, models: RepositoryEntry[]): ServeError {
  const names = models.map((m) => m.name).join(', ') || 'none';
  return new ServeError('SB_ERR_MODEL_NOT_FOUND', `model "${name}" is not in repository ${root} (models: ${names})`);
}

/** Resolves, verifies and configures one model version (the latest when `version` is omitted). */
export async function loadModelVersion(root: string, name: string, version?: string): Promise<LoadedModelVersion> {
  const { models, warnings: scanWarnings } = await scanRepositoryDetailed(root);
  // Names come from URLs: an unsafe one is never joined to a path, only reported.
  if (!isSafeName(name)) throw notFound(root, name, models);
  const entry = models.find((m) => m.name === name);
  if (!entry) throw notFound(root, name, models);
  const chosen = version ?? entry.versions[entry.versions.length - 1];
  if (!VERSION_NAME.test(chosen) || !entry.versions.includes(chosen)) {
    const why = scanWarnings.filter((w) => VERSION_NAME.test(chosen) && w.includes(path.join(root, name, chosen)));
    throw new ServeError(
      'SB_ERR_VERSION_NOT_FOUND',
      `model "${name}" has no version "${chosen}" (versions: ${entry.versions.join(', ')})${why.length ? `: ${why.join('; ')}` : ''}`,
    );
  }

  const warnings: string[] = [];
  if (entry.kind === 'bare') {
    const file = path.resolve(root, `${name}.onnx`);
    warnings.push(`${file} is a bare ONNX file: nothing binds it to a config; move it to ${path.join(root, name, '1')}/ and run \`servebench pack\``);
    const [inspected] = await readOnnxFiles([file], undefined);
    const { config, notes } = withSource(file, () => completeModelConfig({ name, version: chosen, metadata: [inspected.io], onnxFiles: [path.basename(file)] }));
    return { config, dir: root, files: [inspected.file], bound: false, warnings, notes };
  }

  const dir = path.join(root, name, chosen);
  const manifest = await readManifest(dir);
  if (!manifest) warnings.push(`${dir} has no MANIFEST.json: nothing binds its files together; run \`servebench pack ${dir}\``);
  // What is checked is what is used: config.json and the ONNX files are read once, hashed, and
  // only bytes that match the manifest are parsed and handed to the workers.
  const configBytes = await readConfigBytes(dir);
  const known = new Map<string, string>();
  if (configBytes) known.set(CONFIG_FILE, sha256Hex(configBytes));
  if (manifest && manifest.files[CONFIG_FILE] && known.get(CONFIG_FILE) !== manifest.files[CONFIG_FILE].sha256) {
    await checkManifest(dir, manifest, known);
  }
  const partial = configBytes ? parseConfigJson(configBytes.toString('utf8'), path.join(dir, CONFIG_FILE)) : undefined;
  const onnxFiles = await onnxFilesFor(dir, partial);
  const inspected = await readOnnxFiles(onnxFiles.map((f) => path.resolve(dir, f)), manifest, known);
  if (manifest) await checkManifest(dir, manifest, known);
  const metadata = inspected.map((f) => f.io);
  const { config, notes } = withSource(path.join(dir, CONFIG_FILE), () => completeModelConfig({ name, version: chosen, partial, metadata, onnxFiles }));
  if (!partial) notes.unshift(`${dir} has no ${CONFIG_FILE}: configured from ${onnxFiles[0]}`);
  return { config, dir, files: inspected.map((f) => f.file), bound: manifest !== undefined, warnings, notes };
}

/**
 * Reads each ONNX file once in a thread of its own. With a manifest, a file whose bytes do not
 * match is never parsed: its hash goes into `known` and checkManifest reports it with the rest.
 */
async function readOnnxFiles(
  files: string[],
  manifest: Manifest | undefined,
  known: Map<string, string> = new Map(),
): Promise<{ file: OnnxFile; io: ModelIoMeta }[]> {
  // A file the manifest does not list is never parsed either: 'unlisted' matches no hash.
  const expected = (file: string) => (manifest ? (manifest.files[path.basename(file)]?.sha256 ?? 'unlisted') : undefined);
  for (const file of files) await refuseSymlink(file);
  const inspected = await inspectModelFiles(files.map((file) => ({ path: file, expectedSha256: expected(file) })));
  const usable: { file: OnnxFile; io: ModelIoMeta }[] = [];
  for (const result of inspected) {
    if ('problem' in result) throw new ServeError('SB_ERR_MODEL_LOAD', `${result.path}: ${result.problem}`);
    known.set(path.basename(result.path), result.sha256);
    if ('io' in result) usable.push({ file: { path: result.path, model: result.model }, io: result.io });
  }
  // Fewer than asked only on a hash mismatch, which the manifest check that follows reports.
  return usable;
}
