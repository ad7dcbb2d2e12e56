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
 *
 * The two transitions: neither regime sees the calls made under the other, so a rolling window
 * that straddles a transition could hold the fleet's full limit from each side. On the way to the
 * share, the fleet's shared calls of the last rolling window are unknown (this instance only knows
 * its own), so no seeding of the local log can be proven safe: the first windowed call under the
 * share waits one rolling window from the moment Redis was lost, and by then no shared call of any
 * instance is in the window. On the way back, each instance writes a resume time into Redis (its
 * own time of return plus one rolling window, or the longest another instance may take to notice
 * Redis is back if that is longer); no point is taken before the latest, so the last call made under
 * any instance's share has left the rolling window first. Concurrency: a call under the new regime
 * waits until this instance's calls under the old one have ended, and for the first window after
 * the return each instance holds at most its share of the shared slots, since the others' calls
 * under their shares are not in the slot set.
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
  /** Told once per transition between the shared counts and this instance's share, with the wait before its first windowed call. */
  onTransition?: (change: Transition) => void;
  /** The longest another instance may take to notice Redis is back (its reconnect backoff); the wait on return covers it. */
  returnLagMs?: number;
}

/** A limit going over to this instance's share (`to: 'share'`) or back to the shared counts. */
export interface Transition {
  limit: string;
  to: 'share' | 'shared';
  /** How long the first call under the new regime waits (0 for a limit without a window). */
  waitMs: number;
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
local resume = tonumber(redis.call('GET', KEYS[3]) or '')
if resume and now < resume then return -(resume - now) end
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
// Pushes the resume time KEYS[1] to at least now + ARGV[1] ms; it expires once passed.
const PUSH_RESUME = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local want = now + tonumber(ARGV[1])
local was = tonumber(redis.call('GET', KEYS[1]) or '') or 0
if want > was then redis.call('SET', KEYS[1], want, 'PX', ARGV[1]) end
return math.max(want, was) - now`;
const GIVE_SLOT = `return redis.call('ZREM', KEYS[1], ARGV[1])`;
const SET_VALUE = `return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])`;
const GET_VALUE = `return redis.call('GET', KEYS[1])`;

/** A limiter whose window and concurrency are counted in Redis for all instances, and kept locally too. */
export function createSharedLimiter(spec: LimiterSpec, redis: RedisLike, options: SharedLimitOptions = {}): Limiter {
  const local = createLimiter(spec);
  const prefix = `${options.prefix ?? 'baton:'}limit:${spec.name}`;
  const window = spec.window ? sharedWindow(spec.window) : null;
  // `:window:all` is where rate-limiter-flexible kept the same count, so older instances share it during an upgrade.
  const windowKeys = [`${prefix}:window:all`, `${prefix}:epoch`, `${prefix}:resume`];
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
  const instances = () => Math.max(1, Math.floor(options.liveInstances?.() ?? 1));
  // One in-process limiter per instance count, so the share follows instances joining and leaving.
  const shares = new Map<number, Limiter>();
  const share = () => {
    const n = instances();
    let limiter = shares.get(n);
    if (!limiter) shares.set(n, (limiter = createLimiter(instanceShare(spec, n))));
    return limiter;
  };
  // The share of the concurrency alone, held on top of the Redis slots for the first window after a return.
  const caps = new Map<number, Limiter>();
  const capped = () => {
    const n = instances();
    let limiter = caps.get(n);
    if (!limiter)
      caps.set(n, (limiter = createLimiter({ name: spec.name, maxConcurrent: instanceShare(spec, n).maxConcurrent })));
    return limiter;
  };

  // Transitions. Until told otherwise, shared calls may just have been made (by any instance).
  const spanMs = spec.window ? spec.window.windowMs + (spec.window.marginMs ?? 0) : 0;
  const lagMs = Math.max(0, options.returnLagMs ?? 0);
  let regime: 'shared' | 'share' = 'shared';
  let shareFrom = 0; // no windowed call under the share before this (this instance's clock)
  let capUntil = 0;
  const running = { shared: 0, share: 0 };
  const drained = async (other: 'shared' | 'share') => {
    while (running[other] > 0) await sleep(10);
  };
  const counted = async <T>(mine: 'shared' | 'share', fn: () => Promise<T>): Promise<T> => {
    running[mine]++;
    try {
      return await fn();
    } finally {
      running[mine]--;
    }
  };
  const onShare = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (regime === 'shared') {
      regime = 'share';
      shareFrom = Date.now() + spanMs;
      options.onTransition?.({ limit: spec.name, to: 'share', waitMs: spanMs });
    }
    await drained('shared');
    const wait = shareFrom - Date.now();
    if (wait > 0) await sleep(wait);
    // A call still queued under the share when Redis came back must not start under it: the resume
    // time written on return only covers calls started before it. It goes the shared way instead.
    const REROUTE = Symbol('reroute');
    const ran = await share().schedule(async () =>
      regime === 'share' ? { value: await counted('share', fn) } : REROUTE,
    );
    return ran === REROUTE ? schedule(fn) : ran.value;
  };
  // Back to the shared counts only once Redis has answered: writing the resume time is the probe,
  // so a client that still looks ready after a failure does not flap between the two.
  let probing: Promise<boolean> | null = null;
  const backToShared = () =>
    (probing ??= (async () => {
      const waitMs = spanMs ? Math.max(spanMs, lagMs) : 0;
      try {
        // Every instance's points wait for the latest resume time any of them wrote.
        await redis.eval(PUSH_RESUME, { keys: [windowKeys[2]], arguments: [String(Math.max(1, waitMs))] });
      } catch (err) {
        options.onFallback?.(err);
        return false;
      } finally {
        probing = null;
      }
      if (regime === 'share') {
        regime = 'shared';
        capUntil = Date.now() + waitMs + Math.max(spanMs, lagMs);
        options.onTransition?.({ limit: spec.name, to: 'shared', waitMs });
      }
      return true;
    })());

  const viaRedis = async <T>(fn: () => Promise<T>): Promise<T> => {
    const token = max ? randomUUID() : '';
    let held = false;
    try {
      await drained('share');
      if (max) {
        await takeSlot(token);
        held = true;
      }
      if (window) await takePoint(window);
    } catch (err) {
      // Redis failed before the call started: it runs once, under this instance's share.
      if (held) await giveSlot(token);
      options.onFallback?.(err);
      return onShare(fn);
    }
    try {
      return await counted('shared', fn);
    } finally {
      if (held) await giveSlot(token);
    }
  };
  async function schedule<T>(fn: () => Promise<T>): Promise<T> {
    if (!available() || (regime === 'share' && !(await backToShared()))) return onShare(fn);
    return local.schedule(() => (max && Date.now() < capUntil ? capped().schedule(() => viaRedis(fn)) : viaRedis(fn)));
  }
  return {
    name: spec.name,
    schedule,
    stop: async () => {
      await Promise.all([local.stop(), ...[...shares.values(), ...caps.values()].map((l) => l.stop())]);
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
