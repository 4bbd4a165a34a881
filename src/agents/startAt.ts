// The agent command's own arguments, checked before anything starts: `--shard I/N` and
// `--start-at T0`. Pure (the current time is passed in), each refusal one line saying what to give.
import type { Shard } from './shares.ts';
import { ServebenchError } from '../contract/errors.ts';

/** A T0 this far behind is a mistake (a stale manifest, seconds given as ms), not a late pod. */
export const MAX_START_AT_PAST_MS = 60_000;
/** A T0 this far ahead is a unit mistake too. */
export const MAX_START_AT_FUTURE_MS = 24 * 3600_000;

export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match) throw new ServebenchError('SB_ERR_AGENT_SHARD', `--shard ${JSON.stringify(value)}: expected I/N, agent I of N counting from 0 (e.g. --shard 0/3)`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw new ServebenchError('SB_ERR_AGENT_SHARD', `--shard ${value}: N is the number of agents and must be at least 1 (e.g. --shard 0/1)`);
  if (index >= count) throw new ServebenchError('SB_ERR_AGENT_SHARD', `--shard ${value}: agent index ${index} is out of range for ${count} agent${count === 1 ? '' : 's'} (0..${count - 1})`);
  return { index, count };
}

/**
 * T0 as ms since the epoch: an ISO 8601 time with its zone (`2026-12-07T10:00:00.000Z`, `+01:00`),
 * or whole ms since the epoch. A zone-less time is refused: each pod would read it in its own zone.
 */
export function parseStartAt(value: string, nowMs: number): number {
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text);
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text)) ms = Date.parse(text);
  else throw new ServebenchError('SB_ERR_AGENT_START_AT', `--start-at ${JSON.stringify(value)}: not a time; give ISO 8601 with a zone (e.g. ${new Date(nowMs + 10_000).toISOString()}) or ms since the epoch`);
  if (!Number.isFinite(ms)) throw new ServebenchError('SB_ERR_AGENT_START_AT', `--start-at ${JSON.stringify(value)}: not a valid date`);
  if (ms < nowMs - MAX_START_AT_PAST_MS) {
    throw new ServebenchError('SB_ERR_AGENT_START_AT', `--start-at ${value}: ${Math.round((nowMs - ms) / 1000)} s in the past (more than ${MAX_START_AT_PAST_MS / 1000} s); give a T0 a few seconds ahead of now, the same for every agent`);
  }
  if (ms > nowMs + MAX_START_AT_FUTURE_MS) throw new ServebenchError('SB_ERR_AGENT_START_AT', `--start-at ${value}: more than a day ahead; is it seconds where ms were meant, or the wrong year?`);
  return ms;
}
