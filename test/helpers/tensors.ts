// Deterministic inputs and direct onnxruntime-node runs to compare served answers against.
import * as ort from 'onnxruntime-node';

export function seededFloats(count: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    a = (Math.imul(a ^ (a >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    out[i] = (a / 4294967296) * 2 - 1;
  }
  return out;
}

export function seededBytes(count: number, seed: number): Uint8Array {
  return Uint8Array.from(seededFloats(count, seed), (x) => Math.floor((x + 1) * 127.99));
}

/** Runs ONNX files in sequence (an ensemble's steps, or one model), feeding outputs to the next inputs by position. */
export async function runDirect(files: string[], input: ort.Tensor): Promise<Float32Array> {
  let feeds: ort.Tensor[] = [input];
  for (const file of files) {
    const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
    try {
      const result = await session.run(Object.fromEntries(session.inputNames.map((name, i) => [name, feeds[i]])));
      feeds = session.outputNames.map((name) => result[name]);
    } finally {
      await session.release();
    }
  }
  return feeds[0].data as Float32Array;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-4): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > tolerance * Math.max(1, Math.abs(expected[i]))) {
      throw new Error(`element ${i}: ${actual[i]} != ${expected[i]}`);
    }
  }
}
