// `servebench pack models/<name>/<version>`: write or refresh the manifest that binds a model
// version's files (our torch-model-archiver).
import { packModelVersion } from '../server/repository/manifest.ts';
import { UsageError, parseArgs } from './args.ts';

export const HELP = `Usage: servebench pack <models/NAME/VERSION> [...]

Writes MANIFEST.json in each version folder: the sha256 and size of every file beside it, so the
server refuses to serve the model with any other version's config or pre-processing.
`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: [], booleans: ['help'] });
  if (args.booleans.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.positionals.length === 0) throw new UsageError('pack needs a version folder, e.g. servebench pack models/mlp/1');
  for (const dir of args.positionals) {
    const manifest = await packModelVersion(dir);
    const files = Object.keys(manifest.files);
    process.stdout.write(`servebench: packed ${manifest.model} version ${manifest.version}: ${files.length} files bound (${files.join(', ')})\n`);
  }
  return 0;
}
