// Whether an embedded target can serve the scenario's model, told from its repository on disk the
// way the server lists it (src/server/repository: `<root>/<model>/<version>/` folders with numeric
// names, or a bare `<root>/<model>.onnx` served as version 1), without importing the server.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Scenario } from '../contract/scenario.ts';

function entries(dir: string): { name: string; folder: boolean }[] | undefined {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, folder: e.isDirectory() || (e.isSymbolicLink() && statSync(path.join(dir, e.name)).isDirectory()) }));
  } catch {
    return undefined;
  }
}

/** The versions the repository holds for `model`, or undefined when it holds no such model. */
function versionsOf(root: string, model: string): string[] | undefined {
  const top = entries(root) ?? [];
  if (top.some((e) => e.folder && e.name === model)) return (entries(path.join(root, model)) ?? []).filter((e) => e.folder && /^\d+$/.test(e.name)).map((e) => e.name);
  if (top.some((e) => !e.folder && e.name === `${model}.onnx`)) return ['1'];
  return undefined;
}

function modelNames(root: string): string[] {
  return (entries(root) ?? []).flatMap((e) => (e.folder ? [e.name] : e.name.endsWith('.onnx') ? [e.name.slice(0, -5)] : [])).filter((n) => !n.startsWith('.')).sort();
}

/**
 * Why the embedded target cannot serve the model (a message for the `model` field), or undefined.
 * Other targets are left to the run: only the server knows what it serves.
 */
export function embeddedModelProblem(scenario: Scenario): string | undefined {
  const { target, model } = scenario;
  if (target.kind !== 'embedded') return undefined;
  const root = target.models_dir;
  if (!entries(root)) return `the model repository ${root} cannot be read; check target.models_dir`;
  const versions = versionsOf(root, model.name);
  if (!versions) {
    const names = modelNames(root);
    return `no model "${model.name}" in ${root} (it holds ${names.length > 0 ? names.join(', ') : 'no models'})`;
  }
  if (versions.length === 0) return `${path.join(root, model.name)} has no numeric version folders (expected ${path.join(root, model.name, '1')}/)`;
  if (model.version !== undefined && !versions.includes(String(model.version))) return `model "${model.name}" has no version ${model.version} in ${root} (it has ${versions.join(', ')})`;
  const only = target.server.load_models;
  if (typeof only === 'string' && only.trim() !== '' && !only.split(',').map((s) => s.trim()).includes(model.name)) {
    return `target.server.load_models (${only}) does not load "${model.name}"`;
  }
  return undefined;
}
