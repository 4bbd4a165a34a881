// Raw onnxruntime-node throughput in-process: the ceiling a server around the model can approach.
import * as ort from 'onnxruntime-node';

export interface RawPoint {
  batch: number;
  samplesPerSecond: number;
}

export interface RawOptions {
  threads: number;
  /** ONNX Runtime's intra-op spinning; its own default (on) when omitted. */
  spinning?: boolean;
}

export async function measureRawThroughput(file: string, sampleShape: number[], batches: number[], options: RawOptions, secondsPerPoint: number): Promise<RawPoint[]> {
  const extra = options.spinning === undefined ? {} : { extra: { session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' } } } };
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: options.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', ...extra });
  const inputName = session.inputNames[0];
  const perSample = sampleShape.reduce((a, b) => a * b, 1);
  const points: RawPoint[] = [];
  try {
    for (const batch of batches) {
      const data = new Float32Array(batch * perSample).map((_, i) => Math.sin(i));
      const feeds = { [inputName]: new ort.Tensor('float32', data, [batch, ...sampleShape]) };
      await session.run(feeds); // warm-up
      let runs = 0;
      const started = performance.now();
      while (performance.now() - started < secondsPerPoint * 1000) {
        await session.run(feeds);
        runs += 1;
      }
      points.push({ batch, samplesPerSecond: (runs * batch) / ((performance.now() - started) / 1000) });
    }
  } finally {
    await session.release();
  }
  return points;
}
