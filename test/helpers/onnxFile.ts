// A model file as the repository hands it to workers: its path and its bytes in shared memory.
import { readFileSync } from 'node:fs';
import type { OnnxFile } from '../../src/server/workers/worker.ts';

export function onnxFile(path: string): OnnxFile {
  const data = readFileSync(path);
  const model = new SharedArrayBuffer(data.length);
  new Uint8Array(model).set(data);
  return { path, model };
}
