/**
 * Limits shared by several Baton instances through Redis (`BATON_REDIS_URL`).
 *
 * Windows: fixed windows counted in Redis (a key set on the first point, expiring after the
 * duration). Fixed windows let more than their points through across a boundary, so a rolling
 * limit of N per L is kept with fixed windows of D whole seconds holding N / (ceil(L / D) + 1)
 * points each: no rolling window of L touches more than ceil(L / D) + 1 of them. D is chosen for
 * the highest rate (100 / 10.1 s → 8 points a second, 96 % of the limit).
 *
 * Counts lost (FLUSHALL, a Redis restarted without its data): the window that was running may
 * have been full, and a new one opened at once would put one window more into a
 * rolling window than the sizing allows. So each limit has an epoch key, written when its counts
 * start; when it is missing the counts are new, and no instance takes a point until one window's
 * length after the epoch: by then the window running at the loss has ended, whoever made its calls,
 * and the windows go on as if nothing was lost. The cost is one window's wait (a second for
 * HubSpot) at each loss and at the very first use.
 *
 * Concurrency: a Redis sorted set of the calls in flight, each with its own expiry, taken and given
 * back atomically by a script; a call of a crashed instance stops counting when its entry expires,
 * even while the survivors keep the set busy.
 *
 * Redis gone: a call must neither wait for Redis nor run unlimited, so while Redis cannot be
 * reached each instance keeps a conservative share of every limit (the limit divided by the live
 * instances its heartbeats see) in process, and goes back to the shared counts when Redis does.
 */
import { randomUUID } from 'node:crypto';
import {
  createLimiter,
  localLimits,
  type Limiter,
  type LimiterSpec,
  type LimitsBackend,
  type WindowLimit,
} from './limiter.ts';
import { sleep } from './sleep.ts';

/** The part of a node-redis client the shared limits need (every command is a script). */
export interface RedisLike {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export interface SharedLimitOptions {
  /** Prefix of every key, e.g. `baton:` (default) or a per-run prefix in tests. */
  prefix?: string;
  /** How long a call in flight holds its concurrency slot at most (default 120 s). */
  slotLeaseMs?: number;
  /** False while Redis is known to be unreachable: calls then go straight to this instance's share. */
  available?: () => boolean;
  /** The live instances sharing the limits (from the heartbeats), which size the share kept while Redis is gone. */
  liveInstances?: () => number;
  /** Told, with the Redis error, each time a call had to fall back to this instance's share. */
  onFallback?: (err: unknown) => void;
}

/** This instance's share of a limit while the shared counts cannot be kept: 1/n of it, at least one call. */
export function instanceShare(spec: LimiterSpec, instances: number): LimiterSpec {
  const n = Math.max(1, Math.floor(instances));
  const part = (x: number) => Math.max(1, Math.floor(x / n));
  return {
    name: spec.name,
    ...(spec.maxConcurrent ? { maxConcurrent: part(spec.maxConcurrent) } : {}),
    ...(spec.window ? { window: { ...spec.window, limit: part(spec.window.limit) } } : {}),
  };
}

/** The fixed windows (points per `seconds`) that keep a rolling window limit across instances. */
export function sharedWindow(spec: WindowLimit): { points: number; seconds: number } {
  const rollingMs = spec.windowMs + (spec.marginMs ?? 0);
  let best = { points: 1, seconds: Math.max(1, Math.ceil(rollingMs / 1000)) };
  for (let seconds = 1; seconds <= Math.max(1, Math.ceil(rollingMs / 1000)); seconds++) {
    const points = Math.floor(spec.limit / (Math.ceil(rollingMs / (seconds * 1000)) + 1));
    if (points >= 1 && points / seconds > best.points / best.seconds) best = { points, seconds };
  }
  return best;
}

// Takes a slot when fewer than ARGV[2] unexpired entries are in the set; Redis' clock, so the
// instances' clocks need not agree.
const TAKE_SLOT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0`;
// Takes a point of the fixed window KEYS[1] (ARGV[1] points a window of ARGV[2] ms): 1 when taken,
// else minus the ms to wait. KEYS[2] is the epoch: when it is missing the counts were lost (or never
// kept), and points wait until a window after it, so the window running at the loss has ended.
const TAKE_POINT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local span = tonumber(ARGV[2])
local since = tonumber(redis.call('GET', KEYS[2]) or '')
if not since then
  since = now
  redis.call('SET', KEYS[2], now)
end
if now < since + span then return -(since + span - now) end
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], span)
    ttl = span
  end
  return -ttl
end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], span) end
return 1`;
const GIVE_SLOT = `return redis.call('ZREM', KEYS[1], ARGV[1])`;
const SET_VALUE = `return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])`;
const GET_VALUE = `return redis.call('GET', KEYS[1])`;

/** A limiter whose window and concurrency are counted in Redis for all instances, and kept locally too. */
export function createSharedLimiter(spec: LimiterSpec, redis: RedisLike, options: SharedLimitOptions = {}): Limiter {
  const local = createLimiter(spec);
  const prefix = `${options.prefix ?? 'baton:'}limit:${spec.name}`;
  const window = spec.window ? sharedWindow(spec.window) : null;
  // `:window:all` is where rate-limiter-flexible kept the same count, so older instances share it during an upgrade.
  const windowKeys = [`${prefix}:window:all`, `${prefix}:epoch`];
  const takePoint = async (w: { points: number; seconds: number }) => {
    const args = [String(w.points), String(w.seconds * 1000)];
    for (;;) {
      const answer = Number(await redis.eval(TAKE_POINT, { keys: windowKeys, arguments: args }));
      if (answer === 1) return;
      await sleep(Math.max(5, -answer));
    }
  };
  const slots = `${prefix}:slots`;
  const lease = String(options.slotLeaseMs ?? 120_000);
  const max = spec.maxConcurrent;
  const available = options.available ?? (() => true);
  const takeSlot = async (token: string) => {
    while ((await redis.eval(TAKE_SLOT, { keys: [slots], arguments: [token, String(max), lease] })) !== 1)
      await sleep(10 + Math.random() * 20);
  };
  const giveSlot = (token: string) =>
    redis.eval(GIVE_SLOT, { keys: [slots], arguments: [token] }).then(
      () => undefined,
      () => undefined,
    );
  // One in-process limiter per instance count, so the share follows instances joining and leaving.
  const shares = new Map<number, Limiter>();
  const share = () => {
    const n = Math.max(1, Math.floor(options.liveInstances?.() ?? 1));
    let limiter = shares.get(n);
    if (!limiter) shares.set(n, (limiter = createLimiter(instanceShare(spec, n))));
    return limiter;
  };
  const viaRedis = async <T>(fn: () => Promise<T>): Promise<T> => {
    const token = max ? randomUUID() : '';
    let held = false;
    try {
      if (max) {
        await takeSlot(token);
        held = true;
      }
      if (window) await takePoint(window);
    } catch (err) {
      // Redis failed before the call started: it runs once, under this instance's share.
      if (held) await giveSlot(token);
      options.onFallback?.(err);
      return share().schedule(fn);
    }
    try {
      return await fn();
    } finally {
      if (held) await giveSlot(token);
    }
  };
  return {
    name: spec.name,
    schedule: <T>(fn: () => Promise<T>) => (available() ? local.schedule(() => viaRedis(fn)) : share().schedule(fn)),
    stop: async () => {
      await Promise.all([local.stop(), ...[...shares.values()].map((l) => l.stop())]);
    },
  };
}

/** Limits counted in Redis for every instance that uses the same Redis and key prefix. */
export function redisLimits(redis: RedisLike, options: SharedLimitOptions = {}): LimitsBackend {
  const prefix = options.prefix ?? 'baton:';
  // Values are kept here too, so a Redis outage leaves this instance with the latest it knew.
  const kept = localLimits();
  return {
    shared: true,
    limiter: (spec) => createSharedLimiter(spec, redis, options),
    async getValue(name) {
      try {
        const text = await redis.eval(GET_VALUE, { keys: [`${prefix}value:${name}`], arguments: [] });
        if (typeof text === 'string') return JSON.parse(text) as unknown;
      } catch (err) {
        options.onFallback?.(err);
      }
      return kept.getValue(name);
    },
    async setValue(name, value, ttlMs) {
      await kept.setValue(name, value, ttlMs);
      try {
        await redis.eval(SET_VALUE, {
          keys: [`${prefix}value:${name}`],
          arguments: [JSON.stringify(value), String(Math.max(1, Math.round(ttlMs)))],
        });
      } catch (err) {
        options.onFallback?.(err);
      }
    },
  };
}
