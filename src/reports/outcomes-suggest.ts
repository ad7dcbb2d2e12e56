/**
 * Pure: fit and engagement thresholds that would have done better on past outcomes — a suggestion
 * for people to review, never applied by itself. Every candidate pair of thresholds on a grid of a
 * hundredth of each score's max is scored at once from 2-D suffix sums, so the search is linear in
 * people plus the grid.
 */
import type { OutcomePerson } from './outcomes.ts';

/** How a candidate would have done: people it qualifies, and acceptance among those with an outcome. */
export interface ThresholdOutcome {
  fit: number;
  engagement: number;
  mqls: number;
  /** Qualified people with a known outcome (good or bad). */
  labeled: number;
  acceptance: number;
}

export interface ThresholdSuggestion {
  current: ThresholdOutcome;
  /** About the same number of MQLs (within `tolerance`), higher acceptance; null when none beats the current. */
  same_mqls: ThresholdOutcome | null;
  /** More MQLs at no lower acceptance; null when none. */
  more_mqls: ThresholdOutcome | null;
  tolerance: number;
  basis: string;
}

const STEPS = 100;
/** Fewer labeled people than this make a candidate's acceptance too noisy to suggest. */
const MIN_LABELED = 30;
const BASIS =
  'good: accepted by sales, or reached sql, opportunity or won; bad: otherwise rejected or lost; ' +
  'acceptance = good / (good + bad) among the people the thresholds qualify; people with neither are not counted';

/** A person's known outcome: 1 good, −1 bad, 0 unknown. */
export function outcomeLabel(p: OutcomePerson): 1 | -1 | 0 {
  if (p.decision === 'accept' || p.reached.some((s) => s === 'sql' || s === 'opportunity' || s === 'won')) return 1;
  if (p.decision === 'reject' || p.deals.some((d) => d.outcome === 'lost')) return -1;
  return 0;
}

/** How thresholds `fit`/`engagement` do on `people` (qualified: both scores at or above). */
export function evaluateThresholds(
  people: readonly OutcomePerson[],
  fit: number,
  engagement: number,
): ThresholdOutcome {
  let mqls = 0;
  let good = 0;
  let bad = 0;
  for (const p of people) {
    if (p.fit < fit || p.engagement < engagement) continue;
    mqls++;
    const l = outcomeLabel(p);
    if (l === 1) good++;
    else if (l === -1) bad++;
  }
  const labeled = good + bad;
  return { fit, engagement, mqls, labeled, acceptance: labeled ? Math.round((good / labeled) * 10_000) / 10_000 : 0 };
}

/** Suffix sums over the grid: `at(i, j)` counts people with fit cell ≥ i and engagement cell ≥ j. */
function suffixGrid(cells: Float64Array): (i: number, j: number) => number {
  const n = STEPS + 2;
  const s = new Float64Array(n * n);
  for (let i = STEPS; i >= 0; i--)
    for (let j = STEPS; j >= 0; j--)
      s[i * n + j] = cells[i * n + j] + s[(i + 1) * n + j] + s[i * n + j + 1] - s[(i + 1) * n + j + 1];
  return (i, j) => s[i * n + j];
}

/**
 * Thresholds that keep about as many MQLs as `current` while raising acceptance, and ones that give
 * more MQLs without lowering it, from `people`'s outcomes.
 */
export function suggestThresholds(input: {
  people: readonly OutcomePerson[];
  current: { fit: number; engagement: number };
  fitMax: number;
  engagementMax: number;
  /** Share of the current MQL count a candidate may differ by and still count as the same (default 0.05). */
  tolerance?: number;
}): ThresholdSuggestion {
  const { people, fitMax, engagementMax } = input;
  const tolerance = input.tolerance ?? 0.05;
  const fStep = fitMax / STEPS;
  const eStep = engagementMax / STEPS;
  const n = STEPS + 2;
  const total = new Float64Array(n * n);
  const good = new Float64Array(n * n);
  const bad = new Float64Array(n * n);
  const cell = (v: number, step: number) => Math.max(0, Math.min(STEPS, Math.floor(v / step + 1e-9)));
  for (const p of people) {
    const k = cell(p.fit, fStep) * n + cell(p.engagement, eStep);
    total[k]++;
    const l = outcomeLabel(p);
    if (l === 1) good[k]++;
    else if (l === -1) bad[k]++;
  }
  const T = suffixGrid(total);
  const G = suffixGrid(good);
  const B = suffixGrid(bad);
  const current = evaluateThresholds(people, input.current.fit, input.current.engagement);
  const slack = Math.max(1, Math.round(current.mqls * tolerance));
  const round = (v: number) => Math.round(v * 100) / 100;
  let same: ThresholdOutcome | null = null;
  let more: ThresholdOutcome | null = null;
  for (let i = 0; i <= STEPS; i++) {
    for (let j = 0; j <= STEPS; j++) {
      const labeled = G(i, j) + B(i, j);
      if (labeled < MIN_LABELED) continue;
      const c: ThresholdOutcome = {
        fit: round(i * fStep),
        engagement: round(j * eStep),
        mqls: T(i, j),
        labeled,
        acceptance: Math.round((G(i, j) / labeled) * 10_000) / 10_000,
      };
      if (Math.abs(c.mqls - current.mqls) <= slack && c.acceptance > current.acceptance) {
        if (!same || c.acceptance > same.acceptance) same = c;
      }
      if (c.mqls > current.mqls && c.acceptance >= current.acceptance) {
        if (!more || c.mqls > more.mqls || (c.mqls === more.mqls && c.acceptance > more.acceptance)) more = c;
      }
    }
  }
  return { current, same_mqls: same, more_mqls: more, tolerance, basis: BASIS };
}
