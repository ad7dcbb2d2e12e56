/**
 * Pure: the score bands of the outcome report and the small statistics it shares (ratios, medians).
 * A band is a tenth of a score's `max`: band i holds `i·max/10 ≤ score < (i+1)·max/10`, the last
 * band also holding `max` itself.
 */

/** Bands per score: ten bands of a tenth of the score's `max` each. */
export const BAND_COUNT = 10;

/** The index of the band `score` falls in, for a score whose maximum is `max`. */
export function bandOf(score: number, max: number): number {
  if (!(max > 0) || !Number.isFinite(score)) return 0;
  const i = Math.floor((score / max) * BAND_COUNT);
  return i < 0 ? 0 : i >= BAND_COUNT ? BAND_COUNT - 1 : i;
}

/** The readable bounds of band `i` (`"40-50"`; the last is `"90-100"`, inclusive of max). */
export function bandLabel(i: number, max: number): string {
  const w = max / BAND_COUNT;
  const n = (v: number) => String(Math.round(v * 100) / 100);
  return `${n(i * w)}-${n((i + 1) * w)}`;
}

/** `a / b` to four decimals; 0 when `b` is 0. */
export function share(a: number, b: number): number {
  return b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000;
}

/** `rate / average` to four decimals; null when the average is 0 (no lift is defined). */
export function lift(rate: number, average: number): number | null {
  return average === 0 ? null : Math.round((rate / average) * 10_000) / 10_000;
}

/** The median of `xs` to two decimals; null when empty. */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  const v = s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  return Math.round(v * 100) / 100;
}
