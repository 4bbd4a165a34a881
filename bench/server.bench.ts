// Issue 2's benchmark: raw onnxruntime-node vs served throughput vs the bare-HTTP ceiling,
// measured side by side in one run. Floors: served cnn >= 80% of raw in-process; served mlp >= 50% of echo.
import { availableParallelism } from 'node:os';
import { measureClosedLoop } from './lib/autocannon.ts';
import { REPO_ROOT, spawnListening, spawnServebench } from './lib/processes.ts';
import { measureRawThroughput } from './lib/rawOrt.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 16;
const BATCHES = [1, 2, 4, 8, 16, 32, 64];

interface ModelCase {
  name: string;
  sampleShape: number[];
  /** Serving configurations tried; the best is reported. */
  configs: string[][];
}

const MODELS: ModelCase[] = [
  {
    name: 'mlp',
    sampleShape: [784],
    configs: [
      ['--workers', '1'],
      ['--workers', '1', '--max-batch-size', '16', '--max-batch-delay-us', '500'],
      ['--workers', '2', '--max-batch-size', '16', '--max-batch-delay-us', '500'],
    ],
  },
  {
    name: 'cnn',
    sampleShape: [3, 64, 64],
    configs: [
      ['--workers', '1', '--intra-op-threads', '2'],
      ['--workers', '2'],
      ['--workers', '2', '--max-batch-size', '4', '--max-batch-delay-us', '1000'],
    ],
  },
];

/** A binary-tensor request (Triton extension): the served path pays no JSON parsing of the tensor. */
function binaryRequest(sampleShape: number[]): { headers: Record<string, string>; body: Buffer } {
  const data = new Float32Array(sampleShape.reduce((a, b) => a * b, 1)).map((_, i) => Math.cos(i));
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, ...sampleShape], parameters: { binary_data_size: data.byteLength } }] }));
  return {
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
    body: Buffer.concat([header, Buffer.from(data.buffer)]),
  };
}

function jsonRequest(sampleShape: number[]): string {
  const data = Array.from(new Float32Array(sampleShape.reduce((a, b) => a * b, 1)).map((_, i) => Math.cos(i)));
  return JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, ...sampleShape], data }] });
}

async function servedThroughput(model: ModelCase, encoding: 'json' | 'binary'): Promise<{ rps: number; p99: number; config: string; failures: number }> {
  let best = { rps: 0, p99: 0, config: '', failures: 0 };
  for (const config of model.configs) {
    const server = await spawnServebench(['--load-models', model.name, '--max-queue-size', '4096', ...config]);
    try {
      const request = encoding === 'binary' ? binaryRequest(model.sampleShape) : { headers: { 'content-type': 'application/json' }, body: jsonRequest(model.sampleShape) };
      await measureClosedLoop({ url: `${server.url}/v2/models/${model.name}/infer`, ...request, connections: CONNECTIONS, durationSeconds: 1 });
      const result = await measureClosedLoop({ url: `${server.url}/v2/models/${model.name}/infer`, ...request, connections: CONNECTIONS, durationSeconds: SECONDS });
      if (result.requestsPerSecond > best.rps) best = { rps: result.requestsPerSecond, p99: result.p99Ms, config: config.join(' '), failures: result.non2xx + result.errors };
    } finally {
      await server.stop();
    }
  }
  return best;
}

async function echoThroughput(body: string): Promise<number> {
  const echo = await spawnListening(['--import', 'tsx', `${REPO_ROOT}bench/echoServer.ts`]);
  try {
    const request = { url: `${echo.url}/echo`, headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS };
    await measureClosedLoop({ ...request, durationSeconds: 1 });
    return (await measureClosedLoop({ ...request, durationSeconds: SECONDS })).requestsPerSecond;
  } finally {
    await echo.stop();
  }
}

const fmt = (n: number) => n.toFixed(0).padStart(8);

export async function benchServer(): Promise<boolean> {
  const threads = availableParallelism();
  console.log(`\n## Embedded server (issue 2): ${SECONDS}s per point, ${CONNECTIONS} connections, ${threads} cores\n`);
  let ok = true;
  const rawBest: Record<string, number> = {};
  for (const model of MODELS) {
    const raw = await measureRawThroughput(`${REPO_ROOT}models/${model.name}/1/model.onnx`, model.sampleShape, BATCHES, threads, Math.min(SECONDS, 2));
    rawBest[model.name] = Math.max(...raw.map((p) => p.samplesPerSecond));
    console.log(`raw onnxruntime-node ${model.name} (${threads} intra-op threads), samples/s by batch:`);
    console.log(raw.map((p) => `  batch ${String(p.batch).padStart(2)}: ${fmt(p.samplesPerSecond)}`).join('\n'));
  }

  const mlpJson = jsonRequest([784]);
  const echo = await echoThroughput(mlpJson);
  const mlpServedJson = await servedThroughput(MODELS[0], 'json');
  const mlpServedBinary = await servedThroughput(MODELS[0], 'binary');
  const cnnServed = await servedThroughput(MODELS[1], 'binary');

  const rows = [
    ['bare fastify JSON echo (mlp-sized body)', echo, '', ''],
    ['served mlp, JSON tensors', mlpServedJson.rps, `${((mlpServedJson.rps / echo) * 100).toFixed(0)}% of echo (floor 50%)`, mlpServedJson.config],
    ['served mlp, binary tensors', mlpServedBinary.rps, `${((mlpServedBinary.rps / echo) * 100).toFixed(0)}% of echo`, mlpServedBinary.config],
    ['raw in-process mlp, best batch', rawBest.mlp, '', ''],
    ['served cnn, binary tensors', cnnServed.rps, `${((cnnServed.rps / rawBest.cnn) * 100).toFixed(0)}% of raw (floor 80%)`, cnnServed.config],
    ['raw in-process cnn, best batch', rawBest.cnn, '', ''],
  ] as const;
  console.log('\n| measurement | samples/s | ratio | best settings |\n|---|---:|---|---|');
  for (const [name, value, ratio, config] of rows) console.log(`| ${name} | ${value.toFixed(0)} | ${ratio} | ${config} |`);
  const failures = mlpServedJson.failures + mlpServedBinary.failures + cnnServed.failures;
  if (failures > 0) console.log(`\nWARNING: ${failures} served requests failed during the benchmark`);
  if (mlpServedJson.rps < 0.5 * echo) {
    console.log('FLOOR MISSED: served mlp < 50% of the echo ceiling');
    ok = false;
  }
  if (cnnServed.rps < 0.8 * rawBest.cnn) {
    console.log('FLOOR MISSED: served cnn < 80% of raw in-process throughput');
    ok = false;
  }
  return ok;
}
