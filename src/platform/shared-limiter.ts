/**
 * Limits shared by several Baton instances through Redis (`BATON_REDIS_URL`), with
 * rate-limiter-flexible. Its Redis limiter counts fixed windows; a fixed window lets up to twice
 * its points through across a boundary, so a rolling limit of N per W is kept as N/2 per fixed
 * window of W (rounded up to whole seconds), which no rolling window of W can exceed. Concurrency
 * across instances is a Redis counter taken before a call and given back after it; a crashed
 * instance's slots come back when the counter's lease expires.
 */
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { createLimiter, type Limiter, type LimiterSpec } from './limiter.ts';

/** The part of a node-redis client the limiter needs. */
export interface RedisLike {
  incr(key: string): Promise<number>;
  decr(key: string): Promise<number>;
  expire(key: string, seconds: number): Promise<unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for a point of the shared window. */
async function take(limiter: RateLimiterRedis, key: string): Promise<void> {
  for (;;) {
    try {
      await limiter.consume(key, 1);
      return;
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      await sleep(Math.max(5, err.msBeforeNext));
    }
  }
}

/** The fixed-window points and seconds that keep a rolling window limit across instances. */
export function sharedWindow(spec: NonNullable<LimiterSpec['window']>): { points: number; seconds: number } {
  return {
    points: Math.max(1, Math.floor(spec.limit / 2)),
    seconds: Math.max(1, Math.ceil((spec.windowMs + (spec.marginMs ?? 0)) / 1000)),
  };
}

/** A limiter whose window and concurrency are counted in Redis for all instances, spaced locally too. */
export function createSharedLimiter(spec: LimiterSpec, redis: RedisLike, options: { leaseSeconds?: number } = {}): Limiter {
  const local = createLimiter(spec);
  const prefix = `baton:limit:${spec.name}`;
  const window = spec.window
    ? new RateLimiterRedis({ storeClient: redis, useRedisPackage: true, keyPrefix: `${prefix}:window`, ...toOpts(sharedWindow(spec.window)) })
    : null;
  const slotsKey = `${prefix}:slots`;
  const lease = options.leaseSeconds ?? 120;
  // INCR first and give the slot back when over: the count never runs away, and the key's
  // expiry returns the slots of an instance that died mid-call.
  const takeSlot = async () => {
    for (;;) {
      const n = await redis.incr(slotsKey);
      await redis.expire(slotsKey, lease);
      if (n <= spec.maxConcurrent!) return;
      await redis.decr(slotsKey);
      await sleep(10 + Math.random() * 20);
    }
  };
  return {
    name: spec.name,
    schedule: <T>(fn: () => Promise<T>) =>
      local.schedule(async () => {
        if (spec.maxConcurrent) await takeSlot();
        try {
          if (window) await take(window, 'all');
          return await fn();
        } finally {
          if (spec.maxConcurrent) await redis.decr(slotsKey).catch(() => undefined);
        }
      }),
    stop: () => local.stop(),
  };
}

function toOpts(w: { points: number; seconds: number }) {
  return { points: w.points, duration: w.seconds };
}
