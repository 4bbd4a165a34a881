// A soak folder read back: whatever point the soak stopped at, the journal becomes a RunResults
// with its soak section; a torn last line is dropped, an end record is what marks completion,
// and histograms of the intervals add up to the phases' totals.
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESULTS_SCHEMA } from '../../src/contract/results.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { loadSoakFolder } from '../../src/soak/folder.ts';
import { IntervalRecorder } from '../../src/soak/intervalRecorder.ts';
import { JournalWriter, SOAK_JOURNAL_FILE, SOAK_META_SCHEMA, writeSoakMeta, type SoakMeta } from '../../src/soak/journal.ts';
import { resolveSoakSettings } from '../../src/soak/settings.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'servebench-soak-folder-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function meta(): SoakMeta {
  const scenario = parseScenario({ name: 'folder', model: 'mlp', phases: [{ kind: 'steady', duration: '1s', rate: 10 }], thresholds: ['error_rate < 1%'] }, 'folder.yaml');
  return {
    schema: SOAK_META_SCHEMA, run_id: 'r1', started_at: '2026-01-01T00:00:00.000Z', scenario,
    settings: { ...resolveSoakSettings({ duration_s: 40, interval_s: 1, warmup_s: 5 }), rate: 100 },
    rate_source: 'flag', memory_limit_bytes: 1e9, memory_limit_source: 'flag',
    target: { kind: 'embedded', url: 'http://127.0.0.1:1', protocol: 'kserve-v2', model: 'mlp' },
    environment: { hostname: 'h', os: 'linux', cpu_model: 'cpu', cores: 2, memory_bytes: 1e9, node: 'v20', onnxruntime: '1', servebench: '0', gpus: [] },
    harness_pid: 1,
  };
}

/** Journals `count` one-second intervals of 100 requests each (latency 1..100 ms), one error per interval. */
async function journal(writer: JournalWriter, count: number, from = 0, segment = 0, t0 = 0): Promise<void> {
  const recorder = new IntervalRecorder();
  for (let i = from; i < from + count; i++) {
    for (let r = 1; r <= 100; r++) recorder.record({ intendedUs: 0, sentUs: 0, endUs: r * 1000, outcome: r === 100 ? 'status_500' : 'ok', requestClass: 'valid' });
    const counts = recorder.rotate();
    const since = i - from + 1;
    await writer.append({
      type: 'sample', t: t0 + since, segment, span_s: 1, warmup: since - 0.5 < 5, load_s: i + 1,
      rss_bytes: 100e6 + i * 1000, requests: counts.requests, ok: counts.ok, errors: 1, outcomes: counts.outcomes,
      p50_us: counts.p50_us, p90_us: counts.p90_us, p99_us: counts.p99_us, max_us: counts.max_us, harness_rss_bytes: 50e6, histogram: counts.histogram,
    });
  }
}

describe('loadSoakFolder', () => {
  it('rebuilds a killed soak from its partial journal: its samples, completed false, exit code 2', async () => {
    await writeSoakMeta(dir, meta());
    const writer = await JournalWriter.open(dir);
    await writer.append({ type: 'segment', segment: 0, t: 0, at: '2026-01-01T00:00:00.000Z', harness_pid: 1, origin: 'http://127.0.0.1:1', rate: 100, remaining_s: 40 });
    await journal(writer, 20);
    await writer.close();
    // Killed mid-write: half a line at the end.
    await appendFile(join(dir, SOAK_JOURNAL_FILE), '{"type":"sample","t":21,"segm');

    const results = await loadSoakFolder(dir);
    expect(results.schema).toBe(RESULTS_SCHEMA);
    expect(results.soak).toMatchObject({ completed: false, planned_duration_s: 40, duration_s: 20, rate: 100, interval_s: 1, warmup_s: 5 });
    expect(results.soak!.samples).toHaveLength(20);
    expect(results.exit_code).toBe(2);
    expect(results.error).toContain('without a final record after 20s of the 40s planned');
    expect(results.warnings.join('\n')).toContain('torn by a kill');
    // 5 warm-up intervals, 15 counted; every request of every interval is in the phase totals.
    expect(results.phases.map((p) => [p.name, p.counted, p.requests.sent, p.requests.ok])).toEqual([['warmup', false, 500, 495], ['soak', true, 1500, 1485]]);
    expect(results.phases[1].requests.outcomes).toEqual({ ok: 1485, status_500: 15 });
    expect(results.totals.latency_us.count).toBe(1500);
    expect(results.totals.latency_us.p50).toBeGreaterThanOrEqual(50_000);
    expect(results.totals.latency_us.p50).toBeLessThan(51_000);
    expect(results.timeseries).toHaveLength(20);
    expect(results.system[0].server_rss_bytes).toBe(100e6);
    expect(results.thresholds.find((t) => t.expression === 'error_rate < 1%')?.passed).toBe(false);

    // A resume appends after the torn line without merging into it.
    const resumed = await JournalWriter.open(dir);
    await resumed.append({ type: 'segment', segment: 1, t: 100, at: '2026-01-01T00:01:40.000Z', harness_pid: 2, origin: 'x', rate: 100, remaining_s: 20 });
    await resumed.close();
    const again = await loadSoakFolder(dir);
    expect(again.notes.join('\n')).toContain('resumed 1 time(s): at t = 100s');
    expect(again.warnings.join('\n')).toContain('1 line(s) of soak.jsonl torn');
    expect(again.soak!.samples).toHaveLength(20);
  });

  it('marks a soak completed only by a final end record after its last segment', async () => {
    await writeSoakMeta(dir, meta());
    const writer = await JournalWriter.open(dir);
    await writer.append({ type: 'segment', segment: 0, t: 0, at: '2026-01-01T00:00:00.000Z', harness_pid: 1, origin: 'x', rate: 100, remaining_s: 40 });
    await journal(writer, 10);
    await writer.append({ type: 'end', t: 10, at: '2026-01-01T00:00:10.000Z', completed: false, reason: 'interrupted' });
    expect((await loadSoakFolder(dir)).error).toContain('interrupted after 10s');

    // Resumed 100 s later: the gap shows in t; until its own end record, the soak is not complete.
    await writer.append({ type: 'segment', segment: 1, t: 110, at: '2026-01-01T00:01:50.000Z', harness_pid: 2, origin: 'x', rate: 100, remaining_s: 30 });
    await journal(writer, 30, 10, 1, 110);
    expect((await loadSoakFolder(dir)).soak!.completed).toBe(false);
    await writer.append({ type: 'end', t: 140, at: '2026-01-01T00:02:20.000Z', completed: true, reason: 'duration' });
    await writer.close();

    const results = await loadSoakFolder(dir);
    expect(results.soak!.completed).toBe(true);
    expect(results.soak!.duration_s).toBe(40);
    expect(results.error).toBeUndefined();
    const ts = results.soak!.samples.map((s) => s.t);
    expect(ts[10] - ts[9]).toBeGreaterThan(90);
    expect(results.notes.join('\n')).toContain('resumed 1 time(s): at t = 110s');
    expect(results.finished_at).toBe('2026-01-01T00:02:20.000Z');
  });

  it('names the missing file of a folder that is not a soak', async () => {
    await expect(loadSoakFolder(dir)).rejects.toMatchObject({ code: 'SB_ERR_SOAK_FOLDER', message: expect.stringContaining('soak-meta.json not found') });
  });
});
