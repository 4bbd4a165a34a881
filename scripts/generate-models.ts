// `npm run models`: (re)generates the reference models in models/ from scripts/models/definitions.ts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeModelDefinitions } from './models/generate.ts';

const root = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'models');
for (const { dir, bytes } of await writeModelDefinitions(root)) {
  process.stdout.write(`wrote ${path.relative(process.cwd(), dir) || dir} (${(bytes / 1024).toFixed(0)} KiB)\n`);
}
