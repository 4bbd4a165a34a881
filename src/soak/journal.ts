// The soak's run folder on disk, written as the soak goes so that nothing is lost: soak-meta.json
// once at the start (what was asked, where), soak.jsonl one JSON line per event, each flushed to
// the disk (fdatasync) before the next. A soak killed at any point, even by kill -9 or a power
// cut, leaves every interval taken before it; at most the line being written is torn, and the
// reader drops a torn last line.
import { createReadStream } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { EnvironmentInfo, RunResults, SoakSample } from '../contract/results.ts';
import { writeFileAtomic } from '../report/writeRun.ts';
import type { Scenario } from '../contract/scenario.ts';
import type { SoakSettings } from './settings.ts';
import { ServebenchError } from '../contract/errors.ts';

export const SOAK_META_FILE = 'soak-meta.json';
export const SOAK_JOURNAL_FILE = 'soak.jsonl';
export const SOAK_META_SCHEMA = 'servebench.soak-meta/v1';

export interface SoakMeta {
  schema: typeof SOAK_META_SCHEMA;
  run_id: string;
  started_at: string;
  scenario_file?: string;
  scenario: Scenario;
  /** Effective settings, rate included (measured or given). */
  settings: SoakSettings & { rate: number };
  rate_source: 'flag' | 'scenario' | 'probe';
  probe?: { duration_s: number; connections: number; throughput_rps: number; share: number };
  memory_limit_bytes: number;
  memory_limit_source: 'flag' | 'scenario' | 'machine';
  target: RunResults['target'];
  server_config?: Record<string, unknown>;
  environment: EnvironmentInfo;
  /** Of the first segment; later segments' PIDs are in their `segment` records. */
  harness_pid: number;
  server_pid?: number;
}

/** One sampling interval as journaled: the contract's SoakSample plus what rebuilding needs. */
export interface IntervalSample extends SoakSample {
  /** 0 for the first run of the soak, +1 at each --resume (a fresh server: memory restarts). */
  segment: number;
  /** Seconds this interval covers (ends at t). */
  span_s: number;
  /** In its segment's warm-up: recorded, left out of the trend fits. */
  warmup: boolean;
  /** Seconds of load held so far over every segment (what --resume subtracts from the plan). */
  load_s: number;
  ok: number;
  /** Count per outcome other than ok (status_503, timeout, dropped...). */
  outcomes: Record<string, number>;
  p90_us: number;
  max_us: number;
  harness_cpu_percent?: number;
  machine_cpu_percent?: number;
}

export type JournalRecord =
  | { type: 'segment'; segment: number; t: number; at: string; harness_pid: number; server_pid?: number; origin: string; rate: number; remaining_s: number }
  | ({ type: 'sample'; histogram: string } & IntervalSample)
  | { type: 'warning' | 'note'; t: number; message: string }
  /** `completed` only when the planned duration was held; reason says why it stopped otherwise. */
  | { type: 'end'; t: number; at: string; completed: boolean; reason: 'duration' | 'interrupted' | 'server-exited' | 'error'; detail?: string };

export async function writeSoakMeta(dir: string, meta: SoakMeta): Promise<void> {
  await writeFileAtomic(join(dir, SOAK_META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
}

export async function readSoakMeta(dir: string): Promise<SoakMeta> {
  const file = join(dir, SOAK_META_FILE);
  let meta: SoakMeta;
  try {
    meta = JSON.parse(await readFile(file, 'utf8')) as SoakMeta;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ServebenchError('SB_ERR_SOAK_FOLDER', code === 'ENOENT' ? `${file} not found: not a soak folder (servebench soak writes soak-meta.json and soak.jsonl)` : `${file} is not readable JSON: ${(err as Error).message}`);
  }
  if (meta?.schema !== SOAK_META_SCHEMA) throw new ServebenchError('SB_ERR_SOAK_FOLDER', `${file}: expected schema "${SOAK_META_SCHEMA}", got ${JSON.stringify(meta?.schema)}`);
  return meta;
}

/** Appends records to soak.jsonl, each flushed to the disk before append() resolves. Calls must not overlap (the soak chains them). */
export class JournalWriter {
  private constructor(private readonly handle: FileHandle) {}

  static async open(dir: string): Promise<JournalWriter> {
    const handle = await open(join(dir, SOAK_JOURNAL_FILE), 'a+');
    // A soak killed mid-write left a torn line: end it, so the next record starts a line of its own.
    const { size } = await handle.stat();
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await handle.write('\n');
    }
    return new JournalWriter(handle);
  }

  async append(record: JournalRecord): Promise<void> {
    await this.handle.write(`${JSON.stringify(record)}\n`);
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/**
 * Streams soak.jsonl's records to `visit` in order, one line in memory at a time (an 8 h soak at
 * 1 s is tens of MB). A line torn by a kill mid-write (the last one, or one a resume wrote past)
 * is skipped and counted in `torn`.
 */
export async function readJournal(dir: string, visit: (record: JournalRecord) => void): Promise<{ records: number; torn: number }> {
  const file = join(dir, SOAK_JOURNAL_FILE);
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let records = 0;
  let torn = 0;
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      let record: JournalRecord;
      try {
        record = JSON.parse(line) as JournalRecord;
      } catch {
        torn++;
        continue;
      }
      records++;
      visit(record);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ServebenchError('SB_ERR_SOAK_FOLDER', `${file} not found: the soak wrote no interval yet`);
    throw err;
  }
  return { records, torn };
}
