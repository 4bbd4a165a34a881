// Classification post-processing for the TorchServe-style answer: softmax and top-k.

export interface ClassScore {
  label: string;
  index: number;
  probability: number;
}

/** Softmax with the max subtracted first, so large logits cannot overflow exp(). */
export function softmax(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  const out = new Array<number>(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** The k highest scores, best first; ties keep the lower index first. Labels default to the index. */
export function topK(scores: readonly number[], k: number, labels?: readonly string[]): ClassScore[] {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, Math.max(0, k)).map((index) => ({ label: labels?.[index] ?? String(index), index, probability: scores[index] }));
}
