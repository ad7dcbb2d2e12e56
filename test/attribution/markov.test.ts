import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conversionWithout, fitMarkov, solveLinear, type Journey } from '../../src/attribution/markov.ts';
import { dealJourney, markovCredit, personJourney, stateOf } from '../../src/attribution/markov-credit.ts';
import type { DealInput, Touch } from '../../src/attribution/types.ts';

const j = (converted: boolean, ...states: string[]): Journey => ({ states, converted });

/**
 * Five journeys over A and B:  A→B→conv, A→null, B→conv, B→null, A→conv.
 * Transitions: start→A 3/5, start→B 2/5; A→B 1/3, A→conv 1/3, A→null 1/3; B→conv 2/3, B→null 1/3.
 * Absorption: x(B) = 2/3; x(A) = 1/3·x(B) + 1/3 = 5/9; P(conv) = x(start) = 3/5·5/9 + 2/5·2/3 = 3/5.
 * Without A (start→A goes to null): P = 2/5·2/3 = 4/15, so RE(A) = 1 − (4/15)/(3/5) = 5/9.
 * Without B (A→B goes to null): x(A) = 1/3, P = 3/5·1/3 = 1/5, so RE(B) = 1 − (1/5)/(3/5) = 2/3.
 */
const HAND = [j(true, 'A', 'B'), j(false, 'A'), j(true, 'B'), j(false, 'B'), j(true, 'A')];

/**
 * A cycle: A→B→A→conv, B→null, A→null, B→A→conv.
 * Counts: start→A 2, start→B 2; A→B 1, A→conv 2, A→null 1 (A: 4); B→A 2, B→null 1 (B: 3).
 * x(A) = 1/4·x(B) + 1/2, x(B) = 2/3·x(A)  ⇒  x(A) = x(A)/6 + 1/2 ⇒ x(A) = 3/5, x(B) = 2/5.
 * P(conv) = 1/2·3/5 + 1/2·2/5 = 1/2 (2 of 4 converted).
 * Without A: x(B) = 0 ⇒ P = 0 ⇒ RE(A) = 1. Without B: x(A) = 1/2 ⇒ P = 1/4 ⇒ RE(B) = 1/2.
 */
const CYCLE = [j(true, 'A', 'B', 'A'), j(false, 'B'), j(false, 'A'), j(true, 'B', 'A')];

const DAY = 86_400_000;
const BASE = Date.UTC(2026, 5, 1);
const iso = (ms: number) => new Date(ms).toISOString();
const touch = (id: string, day: number, campaign: string | null, channel: string | null = null): Touch => ({
  id,
  at: iso(BASE + day * DAY),
  campaign,
  channel,
  personKey: 'ana@corp.example',
});
const deal = (amount: number): DealInput => ({
  key: 'd1',
  amount,
  closeDate: iso(BASE + 30 * DAY),
  createdAt: iso(BASE + 10 * DAY),
  mqlAt: null,
});
const LOOKBACK = 365 * DAY;

describe('fitMarkov', () => {
  it('gives the removal effects computed by hand', () => {
    const fit = fitMarkov(HAND, 1);
    expect(fit).toMatchObject({ journeys: 5, converted: 3, refused: null });
    expect(fit.conversion).toBeCloseTo(3 / 5, 12);
    expect(Object.keys(fit.removalEffects)).toEqual(['B', 'A']);
    expect(Math.abs(fit.removalEffects.A - 5 / 9)).toBeLessThan(1e-9);
    expect(Math.abs(fit.removalEffects.B - 2 / 3)).toBeLessThan(1e-9);
  });

  it('solves a chain with a cycle exactly', () => {
    const fit = fitMarkov(CYCLE, 1);
    expect(fit.conversion).toBeCloseTo(1 / 2, 12);
    expect(Math.abs(fit.removalEffects.A - 1)).toBeLessThan(1e-9);
    expect(Math.abs(fit.removalEffects.B - 1 / 2)).toBeLessThan(1e-9);
  });

  it('a repeated state (a self-loop) leaves every removal effect as it is', () => {
    const repeated = HAND.map((x) => ({ ...x, states: x.states.flatMap((s) => [s, s]) }));
    const a = fitMarkov(HAND, 1).removalEffects;
    const b = fitMarkov(repeated, 1).removalEffects;
    for (const s of Object.keys(a)) expect(Math.abs(a[s] - b[s])).toBeLessThan(1e-12);
  });

  it('refuses below the minimum, and without a conversion, with the reason', () => {
    const few = fitMarkov(HAND, 30);
    expect(few).toMatchObject({ journeys: 5, refused: expect.stringContaining('at least 30'), removalEffects: {} });
    expect(few.refused).toContain('attribution.markov.min_journeys');
    // a journey without touches teaches nothing and is not counted
    expect(fitMarkov([...HAND, j(true)], 6).refused).toContain('learned from 5 journeys');
    expect(fitMarkov([j(false, 'A'), j(false, 'B')], 1).refused).toMatch(/none of the 2 journeys converted/);
  });

  it('property: each removal effect is 1 − P(conversion without it) / P(conversion), solved anew', () => {
    const state = fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F');
    fc.assert(
      fc.property(
        fc.array(fc.record({ states: fc.array(state, { minLength: 1, maxLength: 6 }), converted: fc.boolean() }), {
          minLength: 1,
          maxLength: 30,
        }),
        (journeys) => {
          fc.pre(journeys.some((x) => x.converted));
          const fit = fitMarkov(journeys, 1);
          const base = conversionWithout(journeys, null);
          expect(Math.abs(fit.conversion - base)).toBeLessThan(1e-12);
          for (const [s, re] of Object.entries(fit.removalEffects))
            expect(Math.abs(re - (1 - conversionWithout(journeys, s) / base))).toBeLessThan(1e-9);
        },
      ),
    );
  });

  it('solveLinear solves a small system', () => {
    const x = solveLinear(
      [
        [0, 2, 1],
        [1, 1, 0],
        [3, 0, 1],
      ],
      [5, 3, 6],
    );
    // x = 1.4, y = 1.6, z = 1.8
    expect(x.map((v) => +v.toFixed(12))).toEqual([1.4, 1.6, 1.8]);
  });
});

describe('markovCredit', () => {
  it('splits a won deal over its own states by removal effect, to the cent', () => {
    // A 5/9 and B 2/3 → shares 5/11 and 6/11 of 100,000 cents: 45,454.5… and 54,545.4… floored,
    // the remainder cent to the larger (B): 45,454 and 54,546; A's two touches get 22,727 each.
    const fit = fitMarkov(HAND, 1);
    const touches = [touch('t1', 1, 'A'), touch('t2', 2, 'B'), touch('t3', 3, 'A'), touch('late', 31, 'B')];
    const r = markovCredit(deal(1000), touches, fit, LOOKBACK);
    expect(r.model).toBe('markov');
    expect(r.shares.map((s) => [s.touchId, s.cents])).toEqual([
      ['t1', 22_727],
      ['t2', 54_546],
      ['t3', 22_727],
    ]);
    expect(r.unattributedCents).toBe(0);
    expect(r.shares.reduce((a, s) => a + s.cents, 0)).toBe(100_000);
  });

  it('a touch without a campaign is its channel; a state the model never saw gets nothing', () => {
    expect(stateOf({ campaign: null, channel: 'organic' })).toBe('channel:organic');
    expect(stateOf({ campaign: 'Summit', channel: 'event' })).toBe('Summit');
    const fit = fitMarkov([j(true, 'channel:organic'), j(false, 'A')], 1);
    const r = markovCredit(deal(10), [touch('o', 1, null, 'organic'), touch('n', 2, 'New')], fit, LOOKBACK);
    expect(r.shares.map((s) => [s.touchId, s.cents])).toEqual([['o', 1000]]);
  });

  it('is unattributed when the fit refused or the deal has no touch in its window', () => {
    const refused = fitMarkov(HAND, 99);
    expect(markovCredit(deal(5), [touch('t1', 1, 'A')], refused, LOOKBACK)).toMatchObject({
      shares: [],
      unattributedCents: 500,
    });
    expect(markovCredit(deal(5), [touch('old', -400, 'A')], fitMarkov(HAND, 1), LOOKBACK).unattributedCents).toBe(500);
  });

  it('journeys: a closed deal keeps the touches of its window in time order; a person keeps all of them', () => {
    const touches = [touch('b', 2, 'B'), touch('a', 1, 'A'), touch('late', 31, 'C'), touch('x', 3, null, 'web')];
    expect(dealJourney(touches, iso(BASE + 30 * DAY), LOOKBACK, true)).toEqual(j(true, 'A', 'B', 'channel:web'));
    expect(personJourney(touches)).toEqual(j(false, 'A', 'B', 'channel:web', 'C'));
  });

  it('property: shares are non-negative integers that add up to the amount to the cent', () => {
    const state = fc.constantFrom('A', 'B', 'C', 'D', 'E');
    fc.assert(
      fc.property(
        fc.array(fc.record({ states: fc.array(state, { maxLength: 6 }), converted: fc.boolean() }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 29 }), state), { maxLength: 10 }),
        fc.integer({ min: 0, max: 10_000_000_000 }),
        (journeys, raw, cents) => {
          const fit = fitMarkov(journeys, 1);
          for (const re of Object.values(fit.removalEffects)) {
            expect(re).toBeGreaterThanOrEqual(0);
            expect(re).toBeLessThanOrEqual(1 + 1e-12);
          }
          const touches = raw.map(([day, s], i) => touch(`t${i}`, day, s));
          const r = markovCredit(deal(cents / 100), touches, fit, LOOKBACK);
          for (const s of r.shares) {
            expect(Number.isInteger(s.cents)).toBe(true);
            expect(s.cents).toBeGreaterThanOrEqual(0);
          }
          expect(r.shares.reduce((a, s) => a + s.cents, 0) + r.unattributedCents).toBe(cents);
          expect(r.unattributedCents === 0 || r.unattributedCents === cents).toBe(true);
        },
      ),
    );
  });
});
