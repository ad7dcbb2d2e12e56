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

/** An LU factorisation with partial pivoting: `lu` holds L (unit, below) and U; `perm[i]` the original row of row i. */
interface Lu {
  lu: number[][];
  perm: number[];
}

function luFactor(a: readonly (readonly number[])[]): Lu {
  const m = a.length;
  const lu = a.map((row) => [...row]);
  const perm = Array.from({ length: m }, (_, i) => i);
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(lu[r][col]) > Math.abs(lu[pivot][col])) pivot = r;
    [lu[col], lu[pivot]] = [lu[pivot], lu[col]];
    [perm[col], perm[pivot]] = [perm[pivot], perm[col]];
    const p = lu[col][col];
    for (let r = col + 1; r < m; r++) {
      const f = lu[r][col] / p;
      lu[r][col] = f;
      if (f === 0) continue;
      for (let c = col + 1; c < m; c++) lu[r][c] -= f * lu[col][c];
    }
  }
  return { lu, perm };
}

function luSolve({ lu, perm }: Lu, b: readonly number[]): number[] {
  const m = b.length;
  const y = perm.map((i) => b[i]);
  for (let r = 0; r < m; r++) for (let c = 0; c < r; c++) y[r] -= lu[r][c] * y[c];
  for (let r = m - 1; r >= 0; r--) {
    for (let c = r + 1; c < m; c++) y[r] -= lu[r][c] * y[c];
    y[r] /= lu[r][r];
  }
  return y;
}

/** Solves `a · x = b` exactly (Gaussian elimination with partial pivoting). */
export function solveLinear(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  return luSolve(luFactor(a), b);
}

/**
 * `I − Q` over the transient states (start and the states) and `r`, the one-step conversion
 * probabilities. With `removed` (a state's row), that state absorbs into null: its row is `x = 0`.
 */
function system(chain: Chain, removed = -1): { a: number[][]; r: number[] } {
  const m = chain.states.length + 1;
  const a = Array.from({ length: m }, (_, i) => {
    const row = new Array<number>(m).fill(0);
    row[i] = 1;
    return row;
  });
  const r = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++) {
    const counts = chain.counts[i];
    const total = counts.reduce((s, c) => s + c, 0);
    if (i === removed || total === 0) continue;
    for (let j = 1; j < m; j++) if (counts[j] > 0) a[i][j] -= counts[j] / total;
    r[i] = counts[m] / total;
  }
  return { a, r };
}

/**
 * P(conversion) from the start with `removed` taken out (every transition into it goes to null),
 * by one solve: the definition, kept to check the fast form of `removalEffects` against.
 */
export function conversionWithout(journeys: readonly Journey[], removed: string | null): number {
  const chain = chainOf(journeys.filter((j) => j.states.length > 0));
  const { a, r } = system(chain, removed === null ? -1 : chain.states.indexOf(removed) + 1);
  return solveLinear(a, r)[0];
}

/**
 * Every state's removal effect from one factorisation. With `x` the conversion probabilities and
 * `N = (I − Q)⁻¹` (expected visits), a path reaches `s` from the start with probability
 * `N[0][s] / N[s][s]` and then converts with `x[s]`; removing `s` loses exactly those paths, so
 * `RE(s) = N[0][s] · x[s] / (N[s][s] · x[0])`: one O(n²) solve per state instead of a new O(n³) system.
 */
function removalEffects(chain: Chain): { conversion: number; effects: number[] } {
  const { a, r } = system(chain);
  const lu = luFactor(a);
  const x = luSolve(lu, r);
  const m = r.length;
  const effects = chain.states.map((_, k) => {
    const s = k + 1;
    const unit = new Array<number>(m).fill(0);
    unit[s] = 1;
    const column = luSolve(lu, unit);
    return (column[0] * x[s]) / (column[s] * x[0]);
  });
  return { conversion: x[0], effects };
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
  const { conversion, effects: raw } = removalEffects(chain);
  fit.conversion = conversion;
  // Removing a state can only lose conversions; the clamp absorbs rounding noise outside [0, 1].
  const effects = chain.states.map((state, i) => [state, Math.min(1, Math.max(0, raw[i]))] as const);
  effects.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  fit.removalEffects = Object.fromEntries(effects);
  return fit;
}
