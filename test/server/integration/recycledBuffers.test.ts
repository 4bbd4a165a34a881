// Recycled tensor buffers (bufferPool.ts) carry one request after another: concurrent binary
// requests, batched and alone, must each get the answer for their own input.
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server/server.ts';
import { MODELS_DIR, startTestServer } from '../../helpers/servers.ts';
import { expectClose, runDirect, seededFloats } from '../../helpers/tensors.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ load_models: 'cnn', workers: '2', max_batch_size: '4' });
});
afterAll(async () => {
  await server?.shutdown('test done');
});

async function inferBinary(data: Float32Array): Promise<Float32Array> {
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 64, 64], parameters: { binary_data_size: data.byteLength } }] }));
  const res = await fetch(`${server.url}/v2/models/cnn/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
    body: Buffer.concat([header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]),
  });
  expect(res.status).toBe(200);
  return Float32Array.from((await res.json()).outputs[0].data as number[]);
}

describe('recycled input buffers', () => {
  it('answer every one of many concurrent requests for its own input', async () => {
    const inputs = Array.from({ length: 12 }, (_, k) => seededFloats(3 * 64 * 64, 100 + k));
    const expected = await Promise.all(inputs.map((d) => runDirect([`${MODELS_DIR}/cnn/1/model.onnx`], new ort.Tensor('float32', d, [1, 3, 64, 64]))));
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(inputs.map((d) => inferBinary(d)));
      answers.forEach((answer, k) => expectClose(answer, expected[k]));
    }
  });
});
