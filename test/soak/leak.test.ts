// The proof, shortened: the embedded server leaking 1 MiB per request at 25 requests/s (about 94 GB
// an hour) is called a leak within 30 s, and the soak fails its rss_slope threshold. The
// healthy twin is in healthy.test.ts (separate files: each holds a server for ~35 s).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/contract/events.ts';
import { runSoak } from '../../src/soak/run.ts';
import { resolveSoakSettings } from '../../src/soak/settings.ts';
import { embeddedScenario, TEST_LEAK_BYTES, TEST_SETTINGS } from './helpers.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'servebench-soak-leak-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('servebench soak on a leaking server', () => {
  it('says "leak", fails rss_slope (exit code 1), and journals every interval it reported', async () => {
    const events: RunEvent[] = [];
    const results = await runSoak(embeddedScenario('leaky', { fault_leak_bytes_per_request: TEST_LEAK_BYTES }), resolveSoakSettings(TEST_SETTINGS), {
      outDir: dir, runId: 'leak-test', onEvent: (e) => events.push(e),
    });
    const soak = results.soak!;
    expect(soak.leak.verdict, soak.leak.summary).toBe('leak');
    expect(soak.leak.ci[0]).toBeGreaterThan(10_000);
    expect(soak.completed).toBe(true);
    expect(results.thresholds.find((t) => t.expression === 'rss_slope < 10GB/h')?.passed).toBe(false);
    expect(results.exit_code).toBe(1);
    // The leaked buffers are ArrayBuffers: external memory grows as fast as RSS.
    const details = results.verdicts.find((v) => v.kind === 'leak')!.details as { external: { mb_per_hour: number } };
    const external = soak.samples.map((s) => s.external_bytes ?? null);
    expect(details.external.mb_per_hour, `external_bytes: ${JSON.stringify(external)}; requests: ${JSON.stringify(soak.samples.map((s) => s.requests))}; warnings: ${results.warnings.join('; ')}; notes: ${results.notes.join('; ')}`).toBeGreaterThan(10_000);
    expect(soak.samples.length).toBeGreaterThanOrEqual(25);
    expect(soak.samples.filter((s) => (s as { warmup?: boolean }).warmup).length).toBeGreaterThanOrEqual(8);

    // Nothing lost: one journal line per sample (plus segment and end), one event per sample.
    const lines = (await readFile(join(dir, 'soak.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(lines.filter((l) => l.type === 'sample')).toHaveLength(soak.samples.length);
    expect(lines[0].type).toBe('segment');
    expect(lines.at(-1)!.type).toBe('end');
    const intervals = events.filter((e) => e.type === 'soak-interval');
    expect(intervals).toHaveLength(soak.samples.length);
    expect(intervals.at(-1)).toMatchObject({ leakVerdict: 'leak', rssBytes: expect.any(Number) });
    const written = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as typeof results;
    expect(written.soak!.leak.verdict).toBe('leak');
  }, 150_000); // 30 s of soak; server start and drain take long on a loaded machine
});
