import { describe, expect, it } from 'vitest';
import { steadyClock } from '../../src/platform/clock.ts';
import { makeTestStore } from '../support/store.ts';

const MIN = 60_000;

/** A wall clock that can be stepped, and a monotonic clock that only runs. */
function clocks(start = Date.parse('2026-12-07T12:00:00Z')) {
  let wall = start;
  let mono = 0;
  return {
    wall: () => wall,
    monotonic: () => mono,
    run(ms: number) {
      wall += ms;
      mono += ms;
    },
    step(ms: number) {
      wall += ms;
    },
  };
}

describe('the steady clock', () => {
  it('follows the wall clock while it runs evenly', () => {
    const c = clocks();
    const now = steadyClock(c);
    expect(now()).toBe(c.wall());
    c.run(1234);
    expect(now()).toBe(c.wall());
  });

  it('does not jump when the wall clock is stepped 5 minutes forward or back, and closes the gap slowly', () => {
    for (const step of [5 * MIN, -5 * MIN]) {
      const c = clocks();
      const steps: number[] = [];
      const now = steadyClock({ ...c, onStep: (ms) => steps.push(ms) });
      const before = now();
      c.step(step);
      c.run(1000);
      const after = now();
      // One second later by the monotonic clock, moved by at most 0.05 % of it toward the wall.
      expect(Math.abs(after - before - 1000)).toBeLessThanOrEqual(0.5);
      expect(steps).toEqual([step]);
      // Never backwards, even after a step back.
      for (let i = 0; i < 100; i++) {
        const t = now();
        c.run(10_000);
        expect(now()).toBeGreaterThanOrEqual(t);
      }
      // 1,000 s later the gap has shrunk by at most 0.5 s.
      expect(Math.abs(c.wall() - now())).toBeGreaterThan(5 * MIN - 600);
    }
  });

  it('catches up with the wall clock in the end', () => {
    const c = clocks();
    const now = steadyClock({ ...c, slew: 0.01 });
    c.step(60_000);
    for (let i = 0; i < 200; i++) {
      c.run(60_000);
      now();
    }
    expect(now()).toBe(c.wall());
  });

  it('keeps a lease held when another instance’s clock steps 5 minutes forward: no work twice', async () => {
    const ts = await makeTestStore();
    try {
      const a = clocks();
      const b = clocks();
      const nowA = steadyClock(a);
      const nowB = steadyClock(b);
      const iso = (t: number) => new Date(t).toISOString();
      expect(await ts.store.acquireLease('outbox:test', 'a', 60_000, iso(nowA()))).toBe(true);
      b.step(5 * MIN);
      b.run(1000);
      a.run(1000);
      expect(await ts.store.acquireLease('outbox:test', 'b', 60_000, iso(nowB()))).toBe(false);
      // Without the steady clock, B's stepped wall clock would have found the lease expired.
      expect(await ts.store.acquireLease('outbox:test', 'b', 60_000, iso(b.wall()))).toBe(true);
    } finally {
      await ts.cleanup();
    }
  });
  it('keeps a lease held when the holder’s own clock steps 5 minutes back and it renews: no work twice', async () => {
    const ts = await makeTestStore();
    try {
      const a = clocks();
      const b = clocks();
      const nowA = steadyClock(a);
      const nowB = steadyClock(b);
      const iso = (t: number) => new Date(t).toISOString();
      expect(await ts.store.acquireLease('sla:test', 'a', 60_000, iso(nowA()))).toBe(true);
      a.run(30_000);
      b.run(30_000);
      a.step(-5 * MIN);
      // A renews 30 s in: on the steady clock the lease runs to 90 s, not to 90 s minus 5 minutes.
      expect(await ts.store.acquireLease('sla:test', 'a', 60_000, iso(nowA()))).toBe(true);
      b.run(40_000);
      expect(await ts.store.acquireLease('sla:test', 'b', 60_000, iso(nowB()))).toBe(false);
      // Renewed on A's stepped wall clock, the lease would already have lapsed for B.
      expect(await ts.store.acquireLease('sla:test', 'a', 60_000, iso(a.wall()))).toBe(true);
      expect(await ts.store.acquireLease('sla:test', 'b', 60_000, iso(nowB()))).toBe(true);
    } finally {
      await ts.cleanup();
    }
  });

  it('keeps claimed inbox work with its worker when either clock steps 5 minutes: claimed once', async () => {
    const ts = await makeTestStore();
    try {
      const start = Date.parse('2026-12-07T12:00:00Z');
      const a = clocks(start);
      const b = clocks(start);
      const nowA = steadyClock(a);
      const nowB = steadyClock(b);
      const iso = (t: number) => new Date(t).toISOString();
      const { id } = await ts.store.inboxInsert({
        source: 'hubspot',
        dedupKey: 'jump-1',
        body: { v: 1 },
        receivedAt: iso(start),
      });
      expect((await ts.store.inboxClaim('a', 10, 60_000, iso(nowA()))).map((r) => r.id)).toEqual([id]);
      a.run(30_000);
      b.run(30_000);
      a.step(-5 * MIN);
      b.step(5 * MIN);
      // A keeps it claimed (keep-claimed.ts) on its steady clock; B, stepped forward, looks for work.
      expect(await ts.store.renewClaims('inbox', [id], 'a', 60_000, iso(nowA()))).toBe(1);
      b.run(1000);
      expect(await ts.store.inboxClaim('b', 10, 60_000, iso(nowB()))).toEqual([]);
      // On the stepped wall clocks B would take the item A is still working on.
      expect(await ts.store.renewClaims('inbox', [id], 'a', 60_000, iso(a.wall()))).toBe(1);
      expect((await ts.store.inboxClaim('b', 10, 60_000, iso(b.wall()))).map((r) => r.id)).toEqual([id]);
    } finally {
      await ts.cleanup();
    }
  });
});
