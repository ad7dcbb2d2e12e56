/**
 * The data-driven `markov` model: a first-order Markov chain over journeys (start → states →
 * conversion | null), learned from transition counts; each state's credit is its removal effect,
 * `1 − P(conversion with the state removed) / P(conversion)`, solved exactly as an absorbing chain.
 * Pure.
 */

/** One journey: its states in time order, and whether it ended in a conversion (a won deal). */
export interface Journey {
  states: readonly string[];
  converted: boolean;
}

/** What the model learned, or why it refuses to credit anything. */
export interface MarkovFit {
  /** Journeys learned from (those with at least one touch). */
  journeys: number;
  /** Of them, the converted ones. */
  converted: number;
  /** The minimum it needs (`attribution.markov.min_journeys`). */
  minJourneys: number;
  /** Why it credits nothing, or `null` when it learned. */
  refused: string | null;
  /** P(conversion) from the start; 0 when refused. */
  conversion: number;
  /** Removal effect by state, largest first (by name on a tie); empty when refused. */
  removalEffects: Record<string, number>;
}

/** Transition counts: row 0 is the start, rows 1..n the states; columns 1..n the states, then conversion, then null. */
interface Chain {
  states: string[];
  counts: number[][];
}

function chainOf(journeys: readonly Journey[]): Chain {
  const states = [...new Set(journeys.flatMap((j) => j.states))].sort();
  const index = new Map(states.map((s, i) => [s, i + 1]));
  const n = states.length;
  const counts = Array.from({ length: n + 1 }, () => new Array<number>(n + 3).fill(0));
  for (const j of journeys) {
    let from = 0;
    for (const s of j.states) {
      const to = index.get(s)!;
      counts[from][to]++;
      from = to;
    }
    counts[from][j.converted ? n + 1 : n + 2]++;
  }
  return { states, counts };
}

/** Solves `a · x = b` in place by Gaussian elimination with partial pivoting. */
export function solveLinear(a: number[][], b: number[]): number[] {
  const m = b.length;
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    [b[col], b[pivot]] = [b[pivot], b[col]];
    const p = a[col][col];
    for (let r = col + 1; r < m; r++) {
      const f = a[r][col] / p;
      if (f === 0) continue;
      for (let c = col; c < m; c++) a[r][c] -= f * a[col][c];
      b[r] -= f * b[col];
    }
  }
  const x = new Array<number>(m).fill(0);
  for (let r = m - 1; r >= 0; r--) {
    let s = b[r];
    for (let c = r + 1; c < m; c++) s -= a[r][c] * x[c];
    x[r] = s / a[r][r];
  }
  return x;
}

/**
 * P(conversion) from the start. With `removed` (a state's row index), every transition into that
 * state goes to null instead: its absorption probability is fixed at 0.
 */
function conversionProbability(chain: Chain, removed = -1): number {
  const m = chain.states.length + 1;
  const conv = m;
  const a = Array.from({ length: m }, (_, i) => {
    const row = new Array<number>(m).fill(0);
    row[i] = 1;
    return row;
  });
  const b = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++) {
    const counts = chain.counts[i];
    const total = counts.reduce((s, c) => s + c, 0);
    if (i === removed || total === 0) continue;
    for (let j = 1; j < m; j++) if (counts[j] > 0) a[i][j] -= counts[j] / total;
    b[i] = counts[conv] / total;
  }
  return solveLinear(a, b)[0];
}

/** The fit of `journeys`; refuses (a reason, not an error) below `minJourneys` or without a conversion. */
export function fitMarkov(journeys: readonly Journey[], minJourneys: number): MarkovFit {
  const learned = journeys.filter((j) => j.states.length > 0);
  const converted = learned.filter((j) => j.converted).length;
  const fit: MarkovFit = {
    journeys: learned.length,
    converted,
    minJourneys,
    refused: null,
    conversion: 0,
    removalEffects: {},
  };
  if (learned.length < minJourneys) {
    fit.refused = `learned from ${learned.length} journey${learned.length === 1 ? '' : 's'}; markov needs at least ${minJourneys} (attribution.markov.min_journeys)`;
    return fit;
  }
  if (converted === 0) {
    fit.refused = `none of the ${learned.length} journeys converted (no won deal with touches in its lookback)`;
    return fit;
  }
  const chain = chainOf(learned);
  const base = conversionProbability(chain);
  fit.conversion = base;
  const effects = chain.states.map(
    // Removing a state can only lose conversions; the clamp absorbs rounding noise below 0.
    (s, i) => [s, Math.max(0, 1 - conversionProbability(chain, i + 1) / base)] as const,
  );
  effects.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  fit.removalEffects = Object.fromEntries(effects);
  return fit;
}
