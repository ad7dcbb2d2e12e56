/**
 * The `markov` model's cost: learning the chain (one exact solve per state) and crediting every won
 * deal, against the rule-based `w_shaped` crediting the same deals in the same run (the yardstick),
 * for a growing number of states (campaigns and channels).
 * Usage: node bench/markov.bench.ts [JOURNEYS]
 */
import { performance } from 'node:perf_hooks';
import { attribute } from '../src/attribution/attribute.ts';
import { fitMarkov, type Journey } from '../src/attribution/markov.ts';
import { dealJourney, markovCredit } from '../src/attribution/markov-credit.ts';
import type { DealInput, Touch } from '../src/attribution/types.ts';
import { seededRandom } from '../src/platform/random.ts';

const JOURNEYS = Number(process.argv[2] ?? 10_000);
const DAY = 86_400_000;
const CLOSE = Date.UTC(2026, 10, 1);
const LOOKBACK = 365 * DAY;
const SETTINGS = { lookback: LOOKBACK, time_decay_half_life: 7 * DAY };

function generate(states: number, seed: number): { deals: { deal: DealInput; touches: Touch[]; won: boolean }[] } {
  const rnd = seededRandom(seed);
  const deals = [];
  for (let i = 0; i < JOURNEYS; i++) {
    const n = 1 + Math.floor(rnd() * 7);
    const touches: Touch[] = Array.from({ length: n }, (_, t) => ({
      id: `${i}-${t}`,
      at: new Date(CLOSE - (n - t) * DAY).toISOString(),
      campaign: `Campaign ${Math.floor(rnd() ** 2 * states)}`,
      channel: 'web',
      personKey: `p${i}`,
    }));
    const closeDate = new Date(CLOSE).toISOString();
    deals.push({
      deal: { key: `d${i}`, amount: 1000 + i, closeDate, createdAt: closeDate, mqlAt: null },
      touches,
      won: rnd() < 0.3,
    });
  }
  return { deals };
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

console.log(`${JOURNEYS} journeys (1–7 touches each, 30% won)`);
console.log('STATES  W_SHAPED ms  MARKOV ms (learn + credit)  RATIO');
for (const states of [10, 25, 50, 100, 200]) {
  const { deals } = generate(states, states);
  const won = deals.filter((d) => d.won);
  const base = time(() => {
    for (const d of won) attribute(d.deal, d.touches, 'w_shaped', SETTINGS);
  });
  let learned = 0;
  const markov = time(() => {
    const journeys: Journey[] = deals.map((d) => dealJourney(d.touches, d.deal.closeDate, LOOKBACK, d.won));
    const fit = fitMarkov(journeys, 30);
    learned = Object.keys(fit.removalEffects).length;
    for (const d of won) markovCredit(d.deal, d.touches, fit, LOOKBACK);
  });
  console.log(
    `${String(learned).padStart(6)}  ${base.toFixed(1).padStart(11)}  ${markov.toFixed(1).padStart(26)}  ${(markov / base).toFixed(1).padStart(5)}x`,
  );
}
