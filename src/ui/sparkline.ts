// A sparkline of the last values (request rate a second, RSS per soak interval) in eight block
// heights, scaled from zero to the window's maximum so a drop to zero is visible as a gap.
const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

export function sparkline(values: readonly number[], width = values.length): string {
  const shown = values.slice(-width);
  const max = Math.max(0, ...shown.filter(Number.isFinite));
  if (shown.length === 0) return '';
  return shown
    .map((v) => {
      if (!Number.isFinite(v) || v <= 0 || max === 0) return ' ';
      return BLOCKS[Math.min(BLOCKS.length - 1, Math.floor((v / max) * BLOCKS.length))];
    })
    .join('');
}

/** Like sparkline, scaled between the window's minimum and maximum (memory: the shape of the growth matters, not zero). */
export function sparklineRange(values: readonly number[], width = values.length): string {
  const shown = values.slice(-width).filter(Number.isFinite);
  if (shown.length === 0) return '';
  const min = Math.min(...shown);
  const max = Math.max(...shown);
  const span = max - min;
  return shown.map((v) => (span === 0 ? BLOCKS[0] : BLOCKS[Math.min(BLOCKS.length - 1, Math.floor(((v - min) / span) * BLOCKS.length))])).join('');
}
