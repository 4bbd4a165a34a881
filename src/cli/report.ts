// `servebench report`: being built (see the open issue); refuses clearly until then.
import { UsageError } from './args.ts';

export const HELP = 'Usage: servebench report ... (not available yet in this build)\n';

export async function run(_argv: string[]): Promise<number> {
  throw new UsageError('report is not available in this build yet');
}
