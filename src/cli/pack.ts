// `servebench pack models/<name>/<version>`: write or refresh the manifest that binds a model
// version's files (our torch-model-archiver).
import { packModelVersion } from '../server/repository/manifest.ts';
import { defineCommand } from './command.ts';
import { ServebenchError } from '../contract/errors.ts';

export default defineCommand({
  name: 'pack',
  usage: ['servebench pack <models/NAME/VERSION> [...]'],
  flags: {},
  body: [
    `Writes MANIFEST.json in each version folder: the sha256 and size of every file beside it, so the
server refuses to serve the model with any other version's config or pre-processing.`,
  ],
  async run({ positionals }) {
    if (positionals.length === 0) throw new ServebenchError('SB_ERR_USAGE', 'pack needs a version folder, e.g. servebench pack models/mlp/1');
    for (const dir of positionals) {
      const manifest = await packModelVersion(dir);
      const files = Object.keys(manifest.files);
      process.stdout.write(`servebench: packed ${manifest.model} version ${manifest.version}: ${files.length} files bound (${files.join(', ')})\n`);
    }
    return 0;
  },
});
