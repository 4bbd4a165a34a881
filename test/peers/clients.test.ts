// Triton's own clients against `servebench serve`: tritonclient.http as Triton's documentation uses
// it, and perf_analyzer in concurrency and request-rate modes with binary tensors, each with zero
// errors, as the server's own counters confirm.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../src/measure/prometheusText.ts';
import { increase } from '../../src/measure/serverMetrics.ts';
import { REPO_ROOT, spawnServer, type ServerProcess } from '../helpers/servers.ts';
import { requirePeer } from './installed.ts';

const run = promisify(execFile);
let server: ServerProcess;
let hostPort: string;
let scratch: string;

const scrape = async () => parsePrometheusText(await (await fetch(`${server.url}/metrics`)).text());
/** Answers by HTTP code between two scrapes. */
function answersBetween(before: Awaited<ReturnType<typeof scrape>>, after: Awaited<ReturnType<typeof scrape>>, model: string): Record<string, number> {
  const codes = new Set(after.samples.filter((s) => s.name === 'servebench_requests_total' && s.labels.model === model).map((s) => s.labels.code!));
  return Object.fromEntries([...codes].map((code) => [code, increase(before, after, 'servebench_requests_total', { model, code }) ?? 0]).filter(([, n]) => n !== 0));
}

/** perf_analyzer's -f CSV: one row per load level (sorted by throughput, not by level). */
function parsePerfCsv(text: string): Record<string, number>[] {
  const [header, ...rows] = text.trim().split('\n');
  const columns = header!.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((cell, i) => [columns[i]!, Number(cell)])));
}

describe('Triton clients against servebench serve', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    requirePeer('clients');
    // triton_client_check.py reads the repository index: a management endpoint, off unless asked for.
    server = await spawnServer(['--load-models', 'mlp,cnn,pipeline', '--management', 'true']);
    hostPort = new URL(server.url).host;
    scratch = await mkdtemp(path.join(tmpdir(), 'servebench-clients-'));
  });
  afterAll(async () => {
    await server?.kill();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('tritonclient.http: metadata, config, JSON and binary tensors, requested outputs, async; answers equal onnxruntime', async () => {
    const { stdout } = await run(`${REPO_ROOT}.peers/clients/bin/python`, [`${REPO_ROOT}peers/clients/triton_client_check.py`, '--url', hostPort], { cwd: REPO_ROOT });
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { requests: number; errors: number; checks: number; compared_with_onnxruntime: number; models: string[] };
    expect(summary.errors).toBe(0);
    expect(summary.models).toEqual(['mlp', 'cnn', 'pipeline']);
    expect(summary.requests).toBeGreaterThan(20);
    expect(summary.compared_with_onnxruntime).toBeGreaterThan(20);
  });

  it('perf_analyzer: concurrency 1..2 and 100 requests/s, binary tensors, every request answered 200', async () => {
    const input = path.join(scratch, 'input.json');
    await run(`${REPO_ROOT}.peers/clients/bin/python`, [`${REPO_ROOT}peers/clients/make_input_data.py`, '--url', hostPort, '--model', 'mlp', '-o', input]);
    const common = ['-m', 'mlp', '-u', hostPort, '-i', 'http', '--input-data', input, '-p', '2000', '-s', '50', '-r', '8'];
    const before = await scrape();
    for (const [name, mode] of [['concurrency', ['--concurrency-range', '1:2:1']], ['rate', ['--request-rate-range', '100', '--async']]] as const) {
      const csv = path.join(scratch, `${name}.csv`);
      // A failed request makes perf_analyzer exit non-zero, which rejects here.
      await run(`${REPO_ROOT}peers/clients/perf_analyzer`, [...common, ...mode, '-f', csv], { cwd: REPO_ROOT });
      const rows = parsePerfCsv(await readFile(csv, 'utf8'));
      expect(rows).toHaveLength(name === 'concurrency' ? 2 : 1);
      for (const row of rows) {
        expect(row['Inferences/Second']).toBeGreaterThan(50);
        expect(row['p99 latency']).toBeGreaterThan(0);
        // The server-side columns come from servebench's statistics extension.
        expect(row['Server Compute Infer']).toBeGreaterThan(0);
      }
    }
    const answers = answersBetween(before, await scrape(), 'mlp');
    expect(Object.keys(answers)).toEqual(['200']);
    expect(answers['200']).toBeGreaterThan(500);
  });
});
