import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attribute } from '../../src/attribution/attribute.ts';
import { splitCents, toCents } from '../../src/attribution/split.ts';
import type { AttributionModel, Touch } from '../../src/attribution/types.ts';
import { RULE_BASED_MODELS } from '../../src/config/agreement-schema.ts';

describe('splitCents', () => {
  it.each<[number, number[], number[] | null]>([
    [10001, [1, 1, 1], [3335, 3333, 3333]],
    [100, [0.29, 0.71], [29, 71]],
    [1, [1, 1, 1], [1, 0, 0]],
    [2, [0, 1, 1], [0, 1, 1]],
    [1, [0, 1, 1], [0, 1, 0]],
    [500, [0, 0], null],
    [0, [1, 2], [0, 0]],
    [-10001, [1, 1, 1], [-3335, -3333, -3333]],
  ])('%d by %j → %j', (total, weights, expected) => {
    expect(splitCents(total, weights)).toEqual(expected);
  });

  it('reads amounts to the cent', () => {
    expect(toCents(100.01)).toBe(10001);
    expect(toCents(60250.38)).toBe(6025038);
    expect(toCents(0.1 + 0.2)).toBe(30);
  });
});

const BASE = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

const touchArb = fc.record({
  day: fc.integer({ min: -400, max: 400 }),
  minute: fc.integer({ min: 0, max: 1439 }),
  campaign: fc.option(fc.constantFrom('A', 'B', 'C'), { nil: null }),
  channel: fc.option(fc.constantFrom('web', 'email'), { nil: null }),
});

describe('attribute: property', () => {
  it('every rule-based model: shares are non-negative integers that add up to the amount to the cent', () => {
    fc.assert(
      fc.property(
        fc.array(touchArb, { maxLength: 12 }),
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.option(fc.integer({ min: -100, max: 300 }), { nil: null }),
        fc.boolean(),
        fc.constantFrom<AttributionModel>(...RULE_BASED_MODELS),
        fc.tuple(fc.nat(10), fc.nat(10), fc.nat(10), fc.nat(10), fc.integer({ min: 1, max: 10 })),
        (raw, cents, closeDay, createdBefore, mqlDay, dateOnly, model, [ft, lc, oc, cw, rest]) => {
          const closeMs = BASE + closeDay * DAY;
          const touches: Touch[] = raw.map((t, i) => ({
            id: `t${i}`,
            at: iso(BASE + t.day * DAY + t.minute * 60_000),
            campaign: t.campaign,
            channel: t.channel,
            personKey: 'p',
          }));
          const deal = {
            key: 'd',
            amount: cents / 100,
            closeDate: dateOnly ? iso(closeMs).slice(0, 10) : iso(closeMs),
            createdAt: iso(closeMs - createdBefore * DAY),
            mqlAt: mqlDay === null ? null : iso(BASE + mqlDay * DAY),
          };
          const sum = ft + lc + oc + cw + rest;
          const custom = { ft: ft / sum, lc: lc / sum, oc: oc / sum, cw: cw / sum, rest: rest / sum };
          const result = attribute(deal, touches, model, { lookback: '365d', time_decay_half_life: '7d', custom });
          expect(result.amountCents).toBe(cents);
          for (const share of result.shares) {
            expect(Number.isInteger(share.cents)).toBe(true);
            expect(share.cents).toBeGreaterThanOrEqual(0);
          }
          const credited = result.shares.reduce((a, s) => a + s.cents, 0);
          expect(credited + result.unattributedCents).toBe(cents);
          expect([0, cents]).toContain(result.unattributedCents);
          if (result.shares.length === 0) expect(result.unattributedCents).toBe(cents);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
