// Writes scenarios/schema.json from src/scenario/publishedSchema.ts (editors complete scenario files with
// it; test/scenario/schema.test.ts fails when the two differ). Run: npx tsx scripts/write-scenario-schema.ts
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderPublishedSchema } from '../src/cli/publishedSchema.ts';

const file = fileURLToPath(new URL('../scenarios/schema.json', import.meta.url));
await writeFile(file, renderPublishedSchema());
process.stdout.write(`wrote ${file}\n`);
