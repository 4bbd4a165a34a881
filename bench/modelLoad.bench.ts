// Issue 21's benchmark: a large model's load must not stall the event loop (health checks, other
// models' inference). Side by side in this run, on one ~270 MB ONNX file:
//   in-loop: what the server did before, sha256 and onnxruntime's parse on the main thread;
//   server:  the server's load today (loadModelVersion, then its workers start from the verified bytes).
// The figure is the longest the event loop went without running a 5 ms ticker.
// Knob: BENCH_LOAD_WIDTH (hidden layer width; 8192 gives ~270 MB). Run alone: BENCH_ONLY=model-load npm run bench
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ort from 'onnxruntime-node';
import { buildMlp } from '../scripts/models/definitions.ts';
import { packModelVersion } from '../src/server/repository/manifest.ts';
import { loadModelVersion } from '../src/server/repository/repository.ts';
import { ModelScheduler } from '../src/server/scheduler.ts';

const WIDTH = Number(process.env.BENCH_LOAD_WIDTH ?? 8192);
/** The server's longest stall while loading, at most; a health check waits no longer than this. */
const FLOOR_MS = 100;

/** Runs `work` while a 5 ms ticker measures the longest gap between its ticks beyond 5 ms. */
async function longestStallMs(work: () => Promise<void>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 5);
    last = now;
  }, 5);
  try {
    await work();
    // One more tick, so a stall at the very end is seen.
    await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    clearInterval(ticker);
  }
  return longest;
}

export async function benchModelLoad(): Promise<boolean> {
  const root = await mkdtemp(join(tmpdir(), 'sb-bench-load-'));
  try {
    const dir = join(root, 'big', '1');
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'model.onnx');
    await writeFile(file, buildMlp({ layers: [WIDTH / 2, WIDTH, WIDTH / 2, 10] }));
    await packModelVersion(dir);
    const sizeMb = (await readFile(file)).length / 1e6;

    const inLoop = await longestStallMs(async () => {
      const bytes = await readFile(file);
      createHash('sha256').update(bytes).digest('hex');
      const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled', intraOpNumThreads: 1 });
      await session.release();
    });
    const server = await longestStallMs(async () => {
      const version = await loadModelVersion(root, 'big');
      const scheduler = new ModelScheduler({
        modelName: 'big',
        config: version.config,
        files: version.files,
        settings: { workers: 1, intra_op_threads: 1, intra_op_spinning: false, execution_provider: 'cpu', max_batch_size: 0, max_batch_delay_us: 0, preferred_batch_sizes: [], max_queue_size: 16, request_timeout_ms: 30_000 },
      });
      await scheduler.start();
      await scheduler.stop();
    });
    const ok = server <= FLOOR_MS;
    console.log(`\nmodel-load: a ${sizeMb.toFixed(0)} MB ONNX file; longest event-loop stall while loading it`);
    console.log(`  hash + parse on the event loop (before):  ${inLoop.toFixed(0)} ms`);
    console.log(`  the server's load (inspect thread, then a worker from the verified bytes): ${server.toFixed(0)} ms`);
    console.log(`  ratio ${(inLoop / Math.max(server, 1)).toFixed(1)}x; floor: the server's stall <= ${FLOOR_MS} ms: ${ok ? 'PASS' : 'FAIL'}`);
    return ok;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = (await benchModelLoad()) ? 0 : 1;
