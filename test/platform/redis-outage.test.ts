import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, transports } from 'winston';
import { connectSharedLimits, type SharedLimitsConnection } from '../../src/platform/redis.ts';
import { createSharedLimiter, instanceShare, type RedisLike } from '../../src/platform/shared-limiter.ts';
import { freePort, startRedis, stopRedis } from '../support/redis-server.ts';

const quiet = createLogger({ transports: [new transports.Console({ silent: true })] });

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("each instance's share of a limit", () => {
  it('divides window and concurrency by the live instances, never below one call', () => {
    const spec = { name: 'x', maxConcurrent: 5, window: { limit: 100, windowMs: 10_000, marginMs: 100 } };
    expect(instanceShare(spec, 3)).toEqual({
      name: 'x',
      maxConcurrent: 1,
      window: { limit: 33, windowMs: 10_000, marginMs: 100 },
    });
    expect(instanceShare(spec, 1)).toEqual(spec);
    expect(instanceShare({ name: 'y', window: { limit: 2, windowMs: 1000 } }, 8).window!.limit).toBe(1);
    expect(instanceShare(spec, 0).window!.limit).toBe(100);
  });

  it('runs a call once under the share when Redis fails before it starts', async () => {
    const failing: RedisLike = { eval: () => Promise.reject(new Error('The client is closed')) };
    const errors: unknown[] = [];
    const limiter = createSharedLimiter({ name: `t-${randomUUID()}`, maxConcurrent: 2 }, failing, {
      onFallback: (err) => errors.push(err),
      liveInstances: () => 2,
    });
    let calls = 0;
    expect(await limiter.schedule(async () => ++calls)).toBe(1);
    expect(calls).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('does not ask Redis at all while it is known to be down, and keeps the share', async () => {
    let asked = 0;
    const redis: RedisLike = { eval: async () => void asked++ };
    const limiter = createSharedLimiter({ name: `t-${randomUUID()}`, maxConcurrent: 4 }, redis, {
      available: () => false,
      liveInstances: () => 2,
    });
    let running = 0;
    let peak = 0;
    const call = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
    };
    await Promise.all(Array.from({ length: 8 }, () => limiter.schedule(call)));
    expect(asked).toBe(0);
    expect(peak).toBe(2);
  });
});

describe('shared limits when Redis goes away and comes back', () => {
  let port = 0;
  let redis: ChildProcess | null = null;
  let shared: SharedLimitsConnection | null = null;
  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    shared = await connectSharedLimits(`redis://127.0.0.1:${port}`, { log: quiet, prefix: `t-${randomUUID()}:` });
    shared.countInstancesWith(() => 2);
  });
  afterAll(async () => {
    await shared?.close();
    if (redis) await stopRedis(redis);
  });

  it('keeps calling the CRM under the share while Redis is down, and shares again once it is back', async () => {
    const limiter = shared!.backend.limiter({
      name: `crm-${randomUUID()}`,
      maxConcurrent: 2,
      window: { limit: 20, windowMs: 1000 },
    });
    expect(await limiter.schedule(async () => 'shared')).toBe('shared');
    expect(shared!.degraded()).toBeNull();

    await stopRedis(redis!);
    await until(() => shared!.degraded() !== null);
    expect(shared!.degraded()).toMatch(/1\/2 of every CRM limit/);
    // Nothing waits for Redis: every call runs, at most 1 at a time (2 ÷ 2 instances), 10 a second.
    let running = 0;
    let peak = 0;
    const t0 = Date.now();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        limiter.schedule(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 5));
          running--;
          return i;
        }),
      ),
    );
    expect(results).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(1);
    expect(Date.now() - t0).toBeLessThan(5000);
    // Values fall back to what this instance knew.
    await shared!.backend.setValue('usage', { used: 3 }, 60_000);
    expect(await shared!.backend.getValue('usage')).toEqual({ used: 3 });

    redis = await startRedis(port);
    await until(() => shared!.degraded() === null, 15_000);
    expect(await shared!.ping()).toBe(true);
    expect(await limiter.schedule(async () => 'shared again')).toBe('shared again');
  }, 40_000);

  it('goes on across a FLUSHALL: every call runs once, the fixed windows restart', async () => {
    const flusher = createClient({ url: `redis://127.0.0.1:${port}` });
    await flusher.connect();
    try {
      const spec = { name: `crm-${randomUUID()}`, maxConcurrent: 2, window: { limit: 6, windowMs: 1000 } };
      const one = shared!.backend.limiter(spec);
      const two = createSharedLimiter(spec, flusher);
      const starts: number[] = [];
      const call = async (i: number) => {
        starts.push(i);
        await new Promise((r) => setTimeout(r, 5));
      };
      const batch = (from: number) =>
        Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? one : two).schedule(() => call(from + i))));
      await batch(0);
      await flusher.flushAll();
      await batch(6);
      expect(starts.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      expect(shared!.degraded()).toBeNull();
    } finally {
      await flusher.quit();
    }
  });
});

describe('a Redis that is down when Baton starts', () => {
  it('starts on the per-instance share and shares the limits once Redis comes up', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const shared = await connectSharedLimits(`redis://127.0.0.1:${port}`, { log: quiet, connectTimeoutMs: 500 });
    let redis: ChildProcess | null = null;
    try {
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(shared.degraded()).toMatch(/Redis unreachable/);
      const limiter = shared.backend.limiter({ name: `crm-${randomUUID()}`, maxConcurrent: 2 });
      expect(await limiter.schedule(async () => 'ran without Redis')).toBe('ran without Redis');
      redis = await startRedis(port);
      await until(() => shared.degraded() === null, 15_000);
      expect(await shared.ping()).toBe(true);
    } finally {
      await shared.close();
      if (redis) await stopRedis(redis);
    }
  }, 30_000);
});
