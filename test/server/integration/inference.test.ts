// The served answers equal a direct onnxruntime-node run, over every protocol and encoding.
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server/server.ts';
import { MODELS_DIR, startTestServer } from '../../helpers/servers.ts';
import { expectClose, runDirect, seededBytes, seededFloats } from '../../helpers/tensors.ts';

let server: RunningServer;

beforeAll(async () => {
  server = await startTestServer({ max_batch_size: '8', max_batch_delay_us: '1000' });
});
afterAll(async () => {
  await server?.shutdown('test done');
});

async function postJson(path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

describe('KServe v2 inference on the embedded server', () => {
  it('answers mlp like a direct onnxruntime-node run, for a batch of 3', async () => {
    const data = seededFloats(3 * 784, 11);
    const { status, json } = await postJson('/v2/models/mlp/infer', {
      id: 'abc',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [3, 784], data: Array.from(data) }],
    });
    expect(status).toBe(200);
    expect(json.model_name).toBe('mlp');
    expect(json.id).toBe('abc');
    expect(json.outputs[0]).toMatchObject({ name: 'logits', datatype: 'FP32', shape: [3, 10] });
    const expected = await runDirect([`${MODELS_DIR}/mlp/1/model.onnx`], new ort.Tensor('float32', data, [3, 784]));
    expectClose(json.outputs[0].data, expected);
  });

  it('answers cnn like a direct run', async () => {
    const data = seededFloats(3 * 64 * 64, 5);
    const { status, json } = await postJson('/v2/models/cnn/versions/1/infer', {
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 64, 64], data: Array.from(data) }],
    });
    expect(status).toBe(200);
    const expected = await runDirect([`${MODELS_DIR}/cnn/1/model.onnx`], new ort.Tensor('float32', data, [1, 3, 64, 64]));
    expectClose(json.outputs[0].data, expected);
  });

  it('runs the pipeline ensemble steps in order, like its two ONNX files by hand', async () => {
    const image = seededBytes(64 * 64 * 3, 3);
    const { status, json } = await postJson('/v2/models/pipeline/infer', {
      inputs: [{ name: 'image', datatype: 'UINT8', shape: [1, 64, 64, 3], data: Array.from(image) }],
    });
    expect(status).toBe(200);
    const expected = await runDirect(
      [`${MODELS_DIR}/pipeline/1/preprocess.onnx`, `${MODELS_DIR}/pipeline/1/classifier.onnx`],
      new ort.Tensor('uint8', image, [1, 64, 64, 3]),
    );
    expectClose(json.outputs[0].data, expected);
  });

  it('takes and gives binary tensors (Triton binary extension)', async () => {
    const data = seededFloats(784, 21);
    const header = Buffer.from(JSON.stringify({
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 784], parameters: { binary_data_size: data.byteLength } }],
      outputs: [{ name: 'logits', parameters: { binary_data: true } }],
    }));
    const res = await fetch(`${server.url}/v2/models/mlp/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
      body: Buffer.concat([header, Buffer.from(data.buffer)]),
    });
    expect(res.status).toBe(200);
    const headerLength = Number(res.headers.get('inference-header-content-length'));
    const body = Buffer.from(await res.arrayBuffer());
    const responseHeader = JSON.parse(body.subarray(0, headerLength).toString());
    expect(responseHeader.outputs[0].parameters.binary_data_size).toBe(40);
    const raw = body.subarray(headerLength);
    const logits = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
    expectClose(logits, await runDirect([`${MODELS_DIR}/mlp/1/model.onnx`], new ort.Tensor('float32', data, [1, 784])));
  });

  it('serves model metadata, readiness and config with the effective serving settings', async () => {
    const meta = await (await fetch(`${server.url}/v2/models/mlp`)).json();
    expect(meta).toMatchObject({ name: 'mlp', versions: ['1'], inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 784] }] });
    expect((await fetch(`${server.url}/v2/models/mlp/ready`)).status).toBe(200);
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    expect((await fetch(`${server.url}/v2/health/live`)).status).toBe(200);
    const config = await (await fetch(`${server.url}/v2/models/mlp/config`)).json();
    expect(config.effective_serving).toMatchObject({ max_batch_size: 8, max_batch_delay_us: 1000 });
    expect(config.manifest_bound).toBe(true);
    // Triton's model configuration names, beside servebench's own (which keep their values).
    expect(config).toMatchObject({
      platform: 'onnxruntime',
      backend: 'onnxruntime',
      max_batch_size: 64,
      input: [{ name: 'input', datatype: 'FP32', data_type: 'TYPE_FP32', dims: [784] }],
      output: [{ name: 'logits', datatype: 'FP32', data_type: 'TYPE_FP32', dims: [10] }],
      dynamic_batching: { max_queue_delay_microseconds: 1000 },
      instance_group: [{ kind: 'KIND_CPU', count: 1 }],
    });
    const ensemble = await (await fetch(`${server.url}/v2/models/pipeline/versions/1/config`)).json();
    expect(ensemble).toMatchObject({ platform: 'ensemble', ensemble_scheduling: { step: [] }, input: [{ name: 'image', data_type: 'TYPE_UINT8' }] });
  });

  it("keeps Triton's inference statistics per model (statistics extension)", async () => {
    const server2 = await startTestServer({ load_models: 'mlp', max_batch_size: '0' });
    try {
      const meta = await (await fetch(`${server2.url}/v2`)).json();
      expect(meta.extensions).toContain('statistics');
      const stats = async (path: string) => (await (await fetch(`${server2.url}${path}`)).json()).model_stats;
      expect((await stats('/v2/models/mlp/stats'))[0]).toMatchObject({ name: 'mlp', version: '1', inference_count: 0, execution_count: 0 });

      const infer = (batch: number, shape = [batch, 784]) =>
        fetch(`${server2.url}/v2/models/mlp/infer`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape, data: Array.from(seededFloats(shape.reduce((a, b) => a * b, 1), batch)) }] }),
        });
      expect((await infer(1)).status).toBe(200);
      expect((await infer(3)).status).toBe(200);
      // Refused while decoding: never reaches the model, so no statistics.
      expect((await infer(1, [1, 5])).status).toBe(400);

      const [mlp] = await stats('/v2/models/mlp/versions/1/stats');
      expect(mlp.inference_stats.success.count).toBe(2);
      expect(mlp.inference_stats.fail.count).toBe(0);
      expect(mlp.inference_stats.queue.count).toBe(2);
      expect(mlp.inference_stats.compute_infer.count).toBe(2);
      expect(mlp.inference_stats.compute_input.count).toBe(2);
      expect(mlp.inference_stats.compute_output.count).toBe(2);
      expect(mlp.inference_stats.success.ns).toBeGreaterThanOrEqual(mlp.inference_stats.compute_infer.ns);
      expect(mlp.inference_stats.compute_infer.ns).toBeGreaterThan(0);
      // Batching is off, each request is one execution; a batch of 3 is 3 inferences.
      expect(mlp.execution_count).toBe(2);
      expect(mlp.inference_count).toBe(4);
      expect(mlp.batch_stats.map((b: { batch_size: number; compute_infer: { count: number } }) => [b.batch_size, b.compute_infer.count])).toEqual([[1, 1], [3, 1]]);
      expect(mlp.last_inference).toBeGreaterThan(0);

      const all = await stats('/v2/models/stats');
      expect(all.map((m: { name: string }) => m.name)).toEqual(['mlp']);
      expect(all[0].inference_count).toBe(4);
      expect((await fetch(`${server2.url}/v2/models/cnn/stats`)).status).toBe(404);
    } finally {
      await server2.shutdown('test done');
    }
  });
});

describe('TorchServe-style inference', () => {
  it('accepts a JSON array, base64 and raw bytes alike, and answers the same top classes', async () => {
    const pixels = seededBytes(784, 9);
    const asArray = await fetch(`${server.url}/predictions/mlp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(Array.from(pixels)) });
    const asBase64 = await fetch(`${server.url}/predictions/mlp`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: Buffer.from(pixels).toString('base64') });
    const asBytes = await fetch(`${server.url}/predictions/mlp/1`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(pixels) });
    expect([asArray.status, asBase64.status, asBytes.status]).toEqual([200, 200, 200]);
    const answers = [await asArray.json(), await asBase64.json(), await asBytes.json()];
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(JSON.stringify(answers[0])).toContain('probability');
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
  });
});
