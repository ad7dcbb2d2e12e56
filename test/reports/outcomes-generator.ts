/**
 * A generated history with a known truth: uniform fit and engagement; the chance of a deal and of
 * acceptance are known functions of them, so the report's figures can be checked against the truth.
 */
import { seededRandom } from '../../src/platform/random.ts';
import type { OutcomePerson, OutcomeStep } from '../../src/reports/outcomes.ts';

/** The chance a person reaches a deal: rises steeply with fit, gently with engagement. */
export const pOpportunity = (fit: number, engagement: number) =>
  0.02 + 0.5 * (fit / 100) ** 2 + 0.1 * (engagement / 100);
/** The chance sales accepts a handed-over person: fit only. */
export const pAccept = (fit: number) => 0.1 + 0.8 * (fit / 100);
export const THRESHOLDS = { fit: 40, engagement: 30 };

/** `n` people from seed `seed`. */
export function generateHistory(n: number, seed: number): OutcomePerson[] {
  const rnd = seededRandom(seed);
  const out: OutcomePerson[] = [];
  for (let id = 1; id <= n; id++) {
    const fit = Math.round(rnd() * 10_000) / 100;
    const engagement = Math.round(rnd() * 10_000) / 100;
    const handedOver = fit >= THRESHOLDS.fit && engagement >= THRESHOLDS.engagement;
    const opp = rnd() < pOpportunity(fit, engagement);
    const won = opp && rnd() < 0.5;
    const accept = handedOver && rnd() < pAccept(fit);
    const reached: OutcomeStep[] = [];
    if (handedOver || opp) reached.push('mql');
    if (accept || opp) reached.push('sal');
    if (opp) reached.push('sql', 'opportunity');
    if (won) reached.push('won');
    const mqlAt = '2026-06-01T00:00:00.000Z';
    out.push({
      id,
      key: `p${id}@corp.example`,
      fit,
      engagement,
      handedOver,
      qualifiedBy: handedOver ? (engagement >= 60 ? 'rule:demo-request' : 'rule:mql') : null,
      mqlAt: handedOver ? mqlAt : null,
      reached,
      decision: handedOver ? (accept ? 'accept' : 'reject') : null,
      rejectReasons: handedOver && !accept ? [fit < 60 ? 'no_budget' : 'bad_timing'] : [],
      scoreRules: handedOver ? (fit >= 70 ? ['big-company', 'senior-title'] : ['senior-title']) : [],
      deals: opp
        ? [
            {
              key: `deal-${id}`,
              amount: 1000,
              outcome: won ? 'won' : 'lost',
              closeDate: won ? '2026-06-11T00:00:00.000Z' : null,
            },
          ]
        : [],
    });
  }
  return out;
}

/** The generator's own lift of a band `[lo, hi)` of one score over the average (numerical integral). */
export function trueLift(score: 'fit' | 'engagement', lo: number, hi: number): number {
  const steps = 200;
  let band = 0;
  let all = 0;
  for (let i = 0; i < steps; i++)
    for (let j = 0; j < steps; j++) {
      const f = ((i + 0.5) / steps) * 100;
      const e = ((j + 0.5) / steps) * 100;
      const p = pOpportunity(f, e);
      all += p;
      const s = score === 'fit' ? f : e;
      if (s >= lo && s < hi) band += p;
    }
  const bandShare = (hi - lo) / 100;
  return band / bandShare / all;
}

/** The generator's own chance of a deal in a band `[lo, hi)` of one score. */
export function trueShare(score: 'fit' | 'engagement', lo: number, hi: number): number {
  const steps = 200;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < steps; i++)
    for (let j = 0; j < steps; j++) {
      const f = ((i + 0.5) / steps) * 100;
      const e = ((j + 0.5) / steps) * 100;
      const s = score === 'fit' ? f : e;
      if (s < lo || s >= hi) continue;
      sum += pOpportunity(f, e);
      n++;
    }
  return sum / n;
}
