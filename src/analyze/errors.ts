// The input check every statistic makes first: a sample too small or not finite is refused with
// SB_ERR_NO_DATA or SB_ERR_INVALID_INPUT (src/contract/errors.ts), naming the function that needed it.
import { ServebenchError } from '../contract/errors.ts';

/** Refuses an empty or non-finite sample, naming the function that needed it. */
export function requireFinite(values: readonly number[], where: string, min = 1): void {
  if (values.length < min) {
    throw new ServebenchError('SB_ERR_NO_DATA', `${where}: needs at least ${min} value${min === 1 ? '' : 's'}, got ${values.length}`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new ServebenchError('SB_ERR_INVALID_INPUT', `${where}: value [${i}] is ${String(values[i])}, expected a finite number`);
    }
  }
}
