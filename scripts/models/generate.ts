// Writes model definitions into a Triton-like repository and packs each version's manifest.
// Re-running on an up-to-date folder rewrites identical bytes (the manifest keeps its stamp).
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { packModelVersion } from '../../src/server/repository/manifest.ts';
import { CONFIG_FILE, MANIFEST_FILE } from '../../src/server/repository/modelConfig.ts';
import { modelDefinitions, type ModelDefinition } from './definitions.ts';

export interface WrittenVersion {
  dir: string;
  bytes: number;
}

export async function writeModelDefinitions(root: string, defs: ModelDefinition[] = modelDefinitions()): Promise<WrittenVersion[]> {
  const written: WrittenVersion[] = [];
  for (const def of defs) {
    const dir = path.join(root, def.name, def.version);
    await mkdir(dir, { recursive: true });
    const files: Record<string, Uint8Array> = {
      ...def.files,
      [CONFIG_FILE]: new TextEncoder().encode(`${JSON.stringify(def.config, null, 2)}\n`),
    };
    // Leftovers from an older definition would otherwise be packed into the manifest.
    for (const name of await readdir(dir)) {
      if (name !== MANIFEST_FILE && !(name in files)) await rm(path.join(dir, name), { recursive: true });
    }
    let bytes = 0;
    for (const [name, data] of Object.entries(files)) {
      await writeFile(path.join(dir, name), data);
      bytes += data.length;
    }
    await packModelVersion(dir);
    written.push({ dir, bytes });
  }
  return written;
}
