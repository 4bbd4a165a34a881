// Caps on what a management load may ask of the machine, relative to its cores. The static table
// (settings.ts) bounds what the operator sets in files, env and flags; a client reaching the
// management API gets these tighter, machine-sized bounds, so one request cannot start 64 x 256
// threads. Pure: the core count is passed in (os.availableParallelism() at the call site).

export interface ServingCaps {
  /** Workers beyond the cores only queue on them, but sweeping past the cores is a real experiment: 4x room. */
  workers: number;
  /** Intra-op threads beyond the cores never run at once, they only contend. */
  intraOpThreads: number;
  /** All compute threads of one model: the same 4x room as workers. */
  threads: number;
}

export function servingCaps(cores: number): ServingCaps {
  const c = Math.max(1, Math.floor(cores));
  return { workers: 4 * c, intraOpThreads: c, threads: 4 * c };
}

/**
 * What is over the caps in `asked` (an override's workers and intra_op_threads), one line per
 * field naming the asked value and the cap; `other` fills a field the override leaves out when
 * the product is checked (the effective value from the other layers; 1 when unknown).
 */
export function capProblems(asked: { workers?: number; intra_op_threads?: number }, cores: number, other: { workers?: number; intra_op_threads?: number } = {}): string[] {
  const caps = servingCaps(cores);
  const n = `${cores} core${cores === 1 ? '' : 's'}`;
  const problems: string[] = [];
  if (asked.workers !== undefined && asked.workers > caps.workers) problems.push(`workers: asked ${asked.workers}, over the cap of ${caps.workers} (4 x ${n})`);
  if (asked.intra_op_threads !== undefined && asked.intra_op_threads > caps.intraOpThreads) {
    problems.push(`intra_op_threads: asked ${asked.intra_op_threads}, over the cap of ${caps.intraOpThreads} (the machine's ${n})`);
  }
  if (problems.length > 0 || (asked.workers === undefined && asked.intra_op_threads === undefined)) return problems;
  const workers = asked.workers ?? other.workers ?? 1;
  const threads = asked.intra_op_threads ?? other.intra_op_threads ?? 1;
  if (workers * threads > caps.threads) {
    problems.push(`workers x intra_op_threads: ${workers} x ${threads} = ${workers * threads}, over the cap of ${caps.threads} (4 x ${n})`);
  }
  return problems;
}
