import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickNext, rotationOf, type RotationState } from '../../src/routing/round-robin.ts';

function run(
  n: number,
  users = rotationOf(['ana', 'bo'], { ana: 2 }),
  eligible: (u: string, i: number) => boolean = () => true,
) {
  let state: RotationState = {};
  const picks: string[] = [];
  for (let i = 0; i < n; i++) {
    const got = pickNext(users, state, (u) => eligible(u, i));
    if (!got) break;
    state = got.state;
    picks.push(got.user);
  }
  return picks;
}

describe('weighted round robin', () => {
  it('splits 300 handoffs 200/100 under 2:1, within one at every prefix', () => {
    const picks = run(300);
    let ana = 0;
    for (let i = 0; i < picks.length; i++) {
      if (picks[i] === 'ana') ana++;
      expect(Math.abs(ana - ((i + 1) * 2) / 3)).toBeLessThanOrEqual(1);
    }
    expect(ana).toBe(200);
  });

  it('gives a passed-over user’s turns to the others in proportion to their weights', () => {
    const users = rotationOf(['ana', 'bo', 'cy'], { ana: 2 });
    const picks = run(300, users, (u) => u !== 'cy');
    expect(picks.filter((p) => p === 'ana').length).toBe(200);
    expect(picks.filter((p) => p === 'bo').length).toBe(100);
  });

  it('takes a returning user back without a flood of catch-up turns', () => {
    const users = rotationOf(['ana', 'bo']);
    const picks = run(40, users, (u, i) => u !== 'bo' || i >= 20);
    const after = picks.slice(20);
    expect(after.filter((p) => p === 'bo').length).toBe(10);
  });

  it('returns null when nobody can take the person', () => {
    expect(pickNext(rotationOf(['a']), {}, () => false)).toBeNull();
  });

  it('keeps every user within one of its weighted share for any weights', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 120 }),
        (weights, n) => {
          const users = weights.map((w, i) => ({ user: `u${i}`, weight: w }));
          const total = weights.reduce((s, w) => s + w, 0);
          const picks = run(n, users);
          const counts = new Map<string, number>();
          picks.forEach((p, i) => {
            counts.set(p, (counts.get(p) ?? 0) + 1);
            for (const u of users)
              expect(Math.abs((counts.get(u.user) ?? 0) - ((i + 1) * u.weight) / total)).toBeLessThan(1 + 1e-9);
          });
        },
      ),
    );
  });
});
