import { describe, expect, it } from 'vitest';
import { attribute, attributeAllModels } from '../../src/attribution/attribute.ts';
import { mqlAtFor } from '../../src/attribution/touches.ts';
import type { AttributionModel, AttributionSettings, DealInput, Touch } from '../../src/attribution/types.ts';

const settings: AttributionSettings = { lookback: '365d', time_decay_half_life: '7d' };

function touch(id: string, at: string, campaign: string | null = `C-${id}`, channel: string | null = 'web'): Touch {
  return { id, at, campaign, channel, personKey: 'ana@corp.example' };
}

/** Amount 1000.00; mql on Nov 10, deal created Nov 20, closed (date only) Nov 30. */
const deal: DealInput = {
  key: 'opp-1',
  amount: 1000,
  closeDate: '2026-11-30',
  createdAt: '2026-11-20T00:00:00Z',
  mqlAt: '2026-11-10T00:00:00Z',
};

/** Cents per touch id, credited touches only. */
function credit(
  d: DealInput,
  touches: Touch[],
  model: AttributionModel,
  s: AttributionSettings = settings,
): Record<string, number> {
  const result = attribute(d, touches, model, s);
  return Object.fromEntries(result.shares.map((x) => [x.touchId, x.cents]));
}

// A full journey: FT t1, LC t3 (at the mql instant), OC t5 (at creation), CW t7, rest t2 t4 t6,
// plus one touch before the lookback and one after the close.
const journey = [
  touch('t0', '2025-11-01T00:00:00Z'),
  touch('t1', '2026-11-01T00:00:00Z'),
  touch('t2', '2026-11-05T00:00:00Z'),
  touch('t3', '2026-11-10T00:00:00Z'),
  touch('t4', '2026-11-15T00:00:00Z'),
  touch('t5', '2026-11-20T00:00:00Z'),
  touch('t6', '2026-11-25T00:00:00Z'),
  touch('t7', '2026-11-30T12:00:00Z'),
  touch('t8', '2026-12-01T00:00:00Z'),
];

describe('attribute: all key touches distinct, with middle touches', () => {
  it.each<[AttributionModel, Record<string, number>]>([
    ['first_touch', { t1: 100000 }],
    ['last_touch', { t5: 100000 }],
    ['linear', { t1: 14290, t2: 14285, t3: 14285, t4: 14285, t5: 14285, t6: 14285, t7: 14285 }],
    ['u_shaped', { t1: 40000, t2: 4000, t3: 40000, t4: 4000, t5: 4000, t6: 4000, t7: 4000 }],
    ['w_shaped', { t1: 30000, t2: 2500, t3: 30000, t4: 2500, t5: 30000, t6: 2500, t7: 2500 }],
    ['full_path', { t1: 22501, t2: 3333, t3: 22500, t4: 3333, t5: 22500, t6: 3333, t7: 22500 }],
  ])('%s', (model, expected) => {
    expect(credit(deal, journey, model)).toEqual(expected);
  });

  it('names the key touches', () => {
    expect(attribute(deal, journey, 'w_shaped', settings).keys).toEqual({ ft: 't1', lc: 't3', oc: 't5', cw: 't7' });
  });
});

describe('attribute: all key touches distinct, no middle touches', () => {
  const keysOnly = journey.filter((t) => ['t1', 't3', 't5', 't7'].includes(t.id));
  it.each<[AttributionModel, Record<string, number>]>([
    // w: OC is the last before creation (t5); CW (t7) is the only rest.
    ['w_shaped', { t1: 30000, t3: 30000, t5: 30000, t7: 10000 }],
    ['full_path', { t1: 25000, t3: 25000, t5: 25000, t7: 25000 }],
    ['u_shaped', { t1: 40000, t3: 40000, t5: 10000, t7: 10000 }],
  ])('%s', (model, expected) => {
    expect(credit(deal, keysOnly, model)).toEqual(expected);
  });

  it('w_shaped with no rest shares the 10% equally by the three key touches', () => {
    const three = journey.filter((t) => ['t1', 't3', 't5'].includes(t.id));
    expect(credit(deal, three, 'w_shaped')).toEqual({ t1: 33334, t3: 33333, t5: 33333 });
  });
});

describe('attribute: coinciding key touches', () => {
  it('two touches: FT = LC = OC before the mql, CW after creation', () => {
    const two = [touch('a', '2026-11-01T00:00:00Z'), touch('b', '2026-11-25T00:00:00Z')];
    expect(credit(deal, two, 'first_touch')).toEqual({ a: 100000 });
    expect(credit(deal, two, 'last_touch')).toEqual({ a: 100000 });
    expect(credit(deal, two, 'linear')).toEqual({ a: 50000, b: 50000 });
    expect(credit(deal, two, 'u_shaped')).toEqual({ a: 80000, b: 20000 });
    expect(credit(deal, two, 'w_shaped')).toEqual({ a: 90000, b: 10000 });
    // a: 3 × 22.5 + 5 (half the 10%), b: 22.5 + 5
    expect(credit(deal, two, 'full_path')).toEqual({ a: 72500, b: 27500 });
  });

  it('FT = LC (u_shaped): their 80% add up, the rest share 20%', () => {
    const t = [
      touch('a', '2026-11-01T00:00:00Z'),
      touch('b', '2026-11-12T00:00:00Z'),
      touch('c', '2026-11-14T00:00:00Z'),
    ];
    expect(credit(deal, t, 'u_shaped')).toEqual({ a: 80000, b: 10000, c: 10000 });
  });

  it('LC = OC (w_shaped): no touch between the mql and the deal', () => {
    const t = [
      touch('a', '2026-11-01T00:00:00Z'),
      touch('b', '2026-11-08T00:00:00Z'),
      touch('c', '2026-11-25T00:00:00Z'),
    ];
    expect(credit(deal, t, 'w_shaped')).toEqual({ a: 30000, b: 60000, c: 10000 });
    expect(attribute(deal, t, 'w_shaped', settings).keys).toEqual({ ft: 'a', lc: 'b', oc: 'b', cw: 'c' });
  });

  it.each<AttributionModel>([
    'first_touch',
    'last_touch',
    'linear',
    'u_shaped',
    'w_shaped',
    'full_path',
    'time_decay',
    'custom',
  ])('one touch takes 100%% under %s', (model) => {
    const one = [touch('only', '2026-11-05T00:00:00Z')];
    const s = { ...settings, custom: { ft: 0.2, lc: 0.2, oc: 0.2, cw: 0.2, rest: 0.2 } };
    expect(credit(deal, one, model, s)).toEqual({ only: 100000 });
  });
});

describe('attribute: missing key touches', () => {
  it('no mql: LC gives up its weight and the others are renormalised', () => {
    const noMql = { ...deal, mqlAt: null };
    const t = [
      touch('a', '2026-11-01T00:00:00Z'),
      touch('b', '2026-11-18T00:00:00Z'),
      touch('c', '2026-11-25T00:00:00Z'),
    ];
    // FT .3, OC .3, rest .1 → /0.7
    expect(credit(noMql, t, 'w_shaped')).toEqual({ a: 42858, b: 42857, c: 14285 });
    // FT .4, rest .2 shared by b, c (.1 each) → /0.6: 66666.67, 16666.67, 16666.67, +2 cents to a
    expect(credit(noMql, t, 'u_shaped')).toEqual({ a: 66668, b: 16666, c: 16666 });
  });

  it('last_touch with no touch before the deal is unattributed', () => {
    const late = [touch('a', '2026-11-21T00:00:00Z'), touch('b', '2026-11-25T00:00:00Z')];
    const result = attribute(deal, late, 'last_touch', settings);
    expect(result.shares).toEqual([]);
    expect(result.unattributedCents).toBe(100000);
  });

  it('a won deal with no touches is unattributed, not dropped', () => {
    for (const [model, result] of Object.entries(attributeAllModels(deal, [], settings))) {
      expect(result, model).toMatchObject({
        dealKey: 'opp-1',
        amountCents: 100000,
        shares: [],
        unattributedCents: 100000,
      });
    }
  });

  it('touches only outside the window are unattributed', () => {
    const result = attribute(deal, [journey[0], journey[8]], 'linear', settings);
    expect(result.unattributedCents).toBe(100000);
  });
});

describe('attribute: window', () => {
  it('a date-only close date means the end of that day, UTC', () => {
    const t = [touch('in', '2026-11-30T23:59:59.999Z'), touch('out', '2026-12-01T00:00:00Z')];
    expect(credit(deal, t, 'linear')).toEqual({ in: 100000 });
  });

  it('includes the lookback boundary and the close instant', () => {
    const d = { ...deal, closeDate: '2026-11-30T00:00:00Z' };
    const t = [
      touch('before', '2026-11-19T23:59:59Z'),
      touch('edge', '2026-11-20T00:00:00Z'),
      touch('close', '2026-11-30T00:00:00Z'),
      touch('after', '2026-11-30T00:00:00.001Z'),
    ];
    expect(credit(d, t, 'linear', { ...settings, lookback: '10d' })).toEqual({ edge: 50000, close: 50000 });
  });

  it('orders touches by time whatever the input order', () => {
    expect(credit(deal, [...journey].reverse(), 'full_path')).toEqual(credit(deal, journey, 'full_path'));
  });
});

describe('attribute: cents', () => {
  it('100.01 split three ways: floors, the remainder to the earliest of the largest', () => {
    const d = { ...deal, amount: 100.01 };
    const t = [
      touch('a', '2026-11-01T00:00:00Z'),
      touch('b', '2026-11-02T00:00:00Z'),
      touch('c', '2026-11-03T00:00:00Z'),
    ];
    expect(credit(d, t, 'linear')).toEqual({ a: 3335, b: 3333, c: 3333 });
  });

  it('the remainder goes to the largest share, not the earliest', () => {
    const d = { ...deal, amount: 0.1, mqlAt: null };
    const t = [
      touch('a', '2026-11-01T00:00:00Z'),
      touch('b', '2026-11-03T00:00:00Z'),
      touch('c', '2026-11-21T00:00:00Z'),
      touch('e', '2026-11-22T00:00:00Z'),
    ];
    // FT a .3, OC b .3, rest c, e .05 each → /0.7: 4.28, 4.28, 0.71, 0.71 → 4, 4, 0, 0 + 2 to a
    expect(credit(d, t, 'w_shaped')).toEqual({ a: 6, b: 4, c: 0, e: 0 });
  });
});

describe('attribute: time_decay', () => {
  it('weighs 0.5^((close − t) / half_life), normalised', () => {
    const d = { ...deal, closeDate: '2026-11-30T00:00:00Z' };
    const t = [
      touch('a', '2026-11-16T00:00:00Z'),
      touch('b', '2026-11-23T00:00:00Z'),
      touch('c', '2026-11-30T00:00:00Z'),
    ];
    // .25 : .5 : 1 of 100000 → 14285.71, 28571.43, 57142.86 → floors + 2 to c
    expect(credit(d, t, 'time_decay')).toEqual({ a: 14285, b: 28571, c: 57144 });
  });

  it('does not underflow over a long lookback with a short half-life', () => {
    const d = { ...deal, closeDate: '2026-11-30T00:00:00Z' };
    const t = [touch('old', '2020-01-01T00:00:00Z'), touch('new', '2020-01-02T00:00:00Z')];
    expect(credit(d, t, 'time_decay', { lookback: '3650d', time_decay_half_life: '1h' })).toEqual({
      old: 0,
      new: 100000,
    });
  });
});

describe('attribute: custom', () => {
  it('equals the named model with the same fractions', () => {
    const s = { ...settings, custom: { ft: 0.3, lc: 0.3, oc: 0.3, cw: 0, rest: 0.1 } };
    expect(credit(deal, journey, 'custom', s)).toEqual(credit(deal, journey, 'w_shaped'));
    const u = { ...settings, custom: { ft: 0.4, lc: 0.4, oc: 0, cw: 0, rest: 0.2 } };
    expect(credit(deal, journey, 'custom', u)).toEqual(credit(deal, journey, 'u_shaped'));
  });

  it('requires attribution.custom', () => {
    expect(() => attribute(deal, journey, 'custom', settings)).toThrow(/attribution\.custom/);
    expect(attributeAllModels(deal, journey, settings)).not.toHaveProperty('custom');
  });
});

describe('mqlAtFor', () => {
  it('is the earliest mql at or before the deal creation', () => {
    expect(
      mqlAtFor('2026-11-20T00:00:00Z', ['2026-11-12T00:00:00Z', '2026-11-10T00:00:00Z', '2026-11-25T00:00:00Z', null]),
    ).toBe('2026-11-10T00:00:00Z');
    expect(mqlAtFor('2026-11-20T00:00:00Z', ['2026-11-20T00:00:00Z'])).toBe('2026-11-20T00:00:00Z');
    expect(mqlAtFor('2026-11-20T00:00:00Z', ['2026-11-21T00:00:00Z', undefined])).toBeNull();
    expect(mqlAtFor('2026-11-20T00:00:00Z', [])).toBeNull();
  });
});
