import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSharedLimiter, sharedWindow } from '../../src/platform/shared-limiter.ts';

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

  it('keeps a rolling limit as half of it per fixed window', () => {
    expect(sharedWindow({ limit: 100, windowMs: 10_000, marginMs: 100 })).toEqual({ points: 50, seconds: 11 });
  });

  it('never lets two instances together exceed the rolling window', async () => {
    const spec = { name: `test-${randomUUID()}`, window: { limit: 6, windowMs: 1000 } };
    const one = createSharedLimiter(spec, a);
    const two = createSharedLimiter(spec, b);
    const starts: number[] = [];
    const call = async () => void starts.push(Date.now());
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? one : two).schedule(call)));
    expect(starts).toHaveLength(12);
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
});
