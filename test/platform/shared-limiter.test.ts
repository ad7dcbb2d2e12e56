import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSharedLimiter, redisLimits, sharedWindow } from '../../src/platform/shared-limiter.ts';

const url = process.env.BATON_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function maxInWindow(starts: number[], windowMs: number): number {
  const s = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i] - s[j] >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('limits shared through Redis', () => {
  const a = createClient({ url });
  const b = createClient({ url });
  beforeAll(async () => {
    await a.connect();
    await b.connect();
  });
  afterAll(async () => {
    await a.quit();
    await b.quit();
  });

  it('keeps a rolling limit with fixed windows that no rolling window can overfill', () => {
    // 10.1 s touches at most 12 one-second windows: 8 points each, 96 in any rolling window.
    expect(sharedWindow({ limit: 100, windowMs: 10_000, marginMs: 100 })).toEqual({ points: 8, seconds: 1 });
    expect(sharedWindow({ limit: 5, windowMs: 1_000, marginMs: 100 })).toEqual({ points: 1, seconds: 1 });
    expect(sharedWindow({ limit: 6, windowMs: 1_000 })).toEqual({ points: 3, seconds: 1 });
    for (const limit of [1, 2, 7, 100, 150, 190]) {
      for (const windowMs of [1_000, 2_500, 10_000, 86_400_000]) {
        const w = sharedWindow({ limit, windowMs, marginMs: 100 });
        expect(w.points * (Math.ceil((windowMs + 100) / (w.seconds * 1000)) + 1)).toBeLessThanOrEqual(
          Math.max(limit, 2),
        );
      }
    }
  });

  it('never lets two instances together exceed the rolling window', async () => {
    const spec = { name: `test-${randomUUID()}`, window: { limit: 6, windowMs: 1000 } };
    const one = createSharedLimiter(spec, a);
    const two = createSharedLimiter(spec, b);
    const starts: number[] = [];
    const call = async () => void starts.push(Date.now());
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).schedule(call)));
    expect(starts).toHaveLength(10);
    expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(6);
  });

  it('caps concurrency across instances', async () => {
    const spec = { name: `test-${randomUUID()}`, maxConcurrent: 2 };
    const one = createSharedLimiter(spec, a);
    const two = createSharedLimiter(spec, b);
    let running = 0;
    let peak = 0;
    const call = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
    };
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).schedule(call)));
    expect(peak).toBeLessThanOrEqual(2);
  });

  it('gives back the slot of a call that never ends (a crashed instance) when its lease expires', async () => {
    const spec = { name: `test-${randomUUID()}`, maxConcurrent: 1 };
    const dead = createSharedLimiter(spec, a, { slotLeaseMs: 300 });
    const alive = createSharedLimiter(spec, b, { slotLeaseMs: 300 });
    void dead.schedule(() => new Promise(() => {}));
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    expect(await alive.schedule(async () => 'ran')).toBe('ran');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('shares small values between instances, with an expiry', async () => {
    const prefix = `test-${randomUUID()}:`;
    const one = redisLimits(a, { prefix });
    const two = redisLimits(b, { prefix });
    expect(one.shared).toBe(true);
    expect(await two.getValue('usage')).toBeUndefined();
    await one.setValue('usage', { used: 5, limit: 10 }, 200);
    expect(await two.getValue('usage')).toEqual({ used: 5, limit: 10 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await two.getValue('usage')).toBeUndefined();
  });
});
