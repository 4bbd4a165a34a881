// Writes docs/errors.md from the error table (src/contract/errors.ts); test/contract/errors.test.ts
// fails when the two differ. Run: npm run error-docs
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderErrorDocs } from '../src/cli/errorDocs.ts';

const file = fileURLToPath(new URL('../docs/errors.md', import.meta.url));
await writeFile(file, renderErrorDocs());
process.stdout.write(`wrote ${file}\n`);
