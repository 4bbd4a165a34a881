// The server's side of inspect.ts: one thread per model load, its answer or why it gave none.
import { ServeError } from '../errors.ts';
import type { InspectReply, InspectRequest, InspectedFile } from './inspect.ts';
import { startWorker } from './startWorker.ts';

export type { InspectedFile } from './inspect.ts';

/** Reads, hashes and (when the hash is as expected) parses each file, in a thread of its own. */
export function inspectModelFiles(files: InspectRequest['files']): Promise<InspectedFile[]> {
  return new Promise((resolve, reject) => {
    const worker = startWorker('inspect', { files } satisfies InspectRequest);
    let answered = false;
    let failure: Error | undefined;
    worker.once('message', (reply: InspectReply) => {
      answered = true;
      resolve(reply.files);
      void worker.terminate();
    });
    worker.once('error', (err) => {
      failure = err;
    });
    worker.once('exit', (code) => {
      if (answered) return;
      const why = failure ? failure.message : `exited with code ${code}`;
      reject(new ServeError('SB_ERR_MODEL_LOAD', `reading ${files.map((f) => f.path).join(', ')}: the inspecting thread ${why}`));
    });
  });
}
