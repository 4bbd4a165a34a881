// What a serving configuration means as the server runs it, its identity and how a person reads it. Pure.
import type { ServingConfig } from './knobs.ts';
import { msText } from '../format/units.ts';

/**
 * The configuration as the server runs it: with batching off (max_batch_size <= 1) the batcher
 * dispatches at once, so a batch delay or preferred sizes change nothing and are dropped.
 */
export function effectiveConfig(c: ServingConfig): ServingConfig {
  if (c.max_batch_size > 1) return c;
  const { preferred_batch_sizes: _unused, ...rest } = c;
  return { ...rest, max_batch_delay_us: 0 };
}

/** Stable identity of a configuration as the server runs it (see effectiveConfig). */
export function configKey(config: ServingConfig): string {
  const c = effectiveConfig(config);
  const pref = c.preferred_batch_sizes?.length ? ` p=${c.preferred_batch_sizes.join('/')}` : '';
  return `w=${c.workers} b=${c.max_batch_size} d=${c.max_batch_delay_us} t=${c.intra_op_threads} q=${c.max_queue_size}${pref}`;
}

/** "no delay", "delay 250 us", "delay 0.5 ms", "delay 2 ms". */
export function describeDelay(us: number): string {
  return us === 0 ? 'no delay' : us < 100 ? `delay ${us} us` : `delay ${msText(us, 2)}`;
}

/** How a person says it: "2 workers, batch 16, delay 2 ms, 1 thread, queue 256". */
export function describeConfig(c: ServingConfig): string {
  const batching = c.max_batch_size > 1 ? `batch ${c.max_batch_size}, ${describeDelay(c.max_batch_delay_us)}` : 'no batching';
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(c.workers, 'worker')}, ${batching}, ${plural(c.intra_op_threads, 'thread')}, queue ${c.max_queue_size}`;
}

/** Cheaper first: fewer workers, then fewer threads, then a smaller batch delay, batch and queue. */
export function compareCost(a: ServingConfig, b: ServingConfig): number {
  return a.workers - b.workers || a.intra_op_threads - b.intra_op_threads || a.max_batch_delay_us - b.max_batch_delay_us
    || a.max_batch_size - b.max_batch_size || a.max_queue_size - b.max_queue_size;
}

