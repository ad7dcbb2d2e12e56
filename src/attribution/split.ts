/** Splitting an amount in integer cents by relative weights, so the parts add up exactly. */

/** Amount in currency units → integer cents. */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

/** Integer cents → a number exact to the cent (`2410012` → `24100.12`). */
export function fromCents(cents: number): number {
  return cents / 100;
}

/**
 * Each part floored, the remainder to the largest part (the earliest on a tie, so order the
 * weights by time). `null` when the weights give nothing to share (all zero).
 */
export function splitCents(totalCents: number, weights: readonly number[]): number[] | null {
  const sum = weights.reduce((a, w) => a + (w > 0 ? w : 0), 0);
  if (!(sum > 0) || !Number.isFinite(sum)) return null;
  const sign = totalCents < 0 ? -1 : 1;
  const total = Math.abs(totalCents);
  const parts = weights.map((w) => {
    if (!(w > 0)) return 0;
    const raw = (total * w) / sum;
    // Absorbs floating-point noise (28.999999999999996 is 29) without ever reaching the next cent.
    return Math.min(total, Math.floor(raw + 1e-9 + raw * 4e-15));
  });
  let remainder = total - parts.reduce((a, b) => a + b, 0);
  while (remainder !== 0) {
    let largest = -1;
    for (let i = 0; i < parts.length; i++)
      if (weights[i] > 0 && (largest < 0 || parts[i] > parts[largest])) largest = i;
    // Noise can overshoot by a cent in pathological weights; take it back from the largest part.
    const step = remainder > 0 ? remainder : Math.max(remainder, -parts[largest]);
    parts[largest] += step;
    remainder -= step;
  }
  return parts.map((p) => (p === 0 ? 0 : sign * p));
}
