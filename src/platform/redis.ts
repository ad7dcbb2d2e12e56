/**
 * The Redis connection behind shared limits (`BATON_REDIS_URL`). While Redis is unreachable,
 * commands fail at once (no offline queue, so no CRM call waits for Redis) and every limit falls
 * back to this instance's share of it (`shared-limiter.ts`); node-redis reconnects with backoff
 * and the shared counts resume. `/readyz` and `/metrics` report the degraded state meanwhile.
 */
import { createClient } from 'redis';
import type { LimitsBackend } from './limiter.ts';
import type { Logger } from './logger.ts';
import { BatonError, errorMessage } from './errors.ts';
import { redisLimits } from './shared-limiter.ts';

export interface SharedLimitsConnection {
  backend: LimitsBackend;
  /** True when Redis answers a PING within a second. */
  ping(): Promise<boolean>;
  /** Why the limits are kept per instance right now, or null while they are shared. */
  degraded(): string | null;
  /** Where the live instance count comes from (the heartbeats), once serve has it. */
  countInstancesWith(count: () => number): void;
  close(): Promise<void>;
}

// The longest step of the reconnect backoff. Another instance notices Redis is back at most this
// (plus jitter and a connect) after this one, so the wait on return covers it (RETURN_LAG_MS).
const RECONNECT_MAX_MS = 5000;
const RETURN_LAG_MS = RECONNECT_MAX_MS + 1000;

/** Redis' URL without its password, for messages. */
export function redactedRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Connects to Redis and returns limits shared by every instance with the same `prefix`. */
export async function connectSharedLimits(
  url: string,
  options: { prefix?: string; log: Logger; connectTimeoutMs?: number },
): Promise<SharedLimitsConnection> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 5000,
      // Backoff with jitter up to 5 s, for ever: Baton keeps working on its share meanwhile.
      reconnectStrategy: (retries: number) =>
        Math.min(RECONNECT_MAX_MS, 100 * 2 ** Math.min(retries, 6)) + Math.random() * 100,
    },
  });
  let lastError = '';
  let down: string | null = null;
  let instances: () => number = () => 1;
  const fallBack = (err: unknown) => {
    const message = errorMessage(err);
    if (down === null)
      options.log.warn("redis unreachable; each CRM limit is kept at this instance's share until it is back", {
        redis: redactedRedisUrl(url),
        error: message,
        instances: instances(),
      });
    down ??= `Redis unreachable (${message}): each instance keeps 1/${instances()} of every CRM limit`;
  };
  // Without a listener an 'error' event would end the process; reconnects are node-redis' job.
  client.on('error', (err: Error) => {
    const message = errorMessage(err);
    if (message !== lastError)
      options.log.warn('redis connection error', { redis: redactedRedisUrl(url), error: message });
    lastError = message;
    if (!client.isReady) fallBack(err);
  });
  client.on('ready', () => {
    if (lastError || down)
      options.log.info('redis connection back; limits are shared again', { redis: redactedRedisUrl(url) });
    lastError = '';
    down = null;
  });
  // A Redis that is down at start is no reason not to start: Baton starts on its share of the
  // limits and node-redis goes on connecting. Only a connection refused for good (a bad URL) fails.
  const connecting = client.connect();
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'waiting'>(
    (ok) => (timer = setTimeout(() => ok('waiting'), options.connectTimeoutMs ?? 5000)),
  );
  try {
    if ((await Promise.race([connecting, waited])) === 'waiting') {
      connecting.catch(() => undefined);
      fallBack(new Error(lastError || 'no answer yet'));
    }
  } catch (err) {
    client.destroy();
    throw new BatonError(
      'redis_unreachable',
      `cannot connect to Redis at ${redactedRedisUrl(url)} (BATON_REDIS_URL): ${errorMessage(err)}`,
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
  }
  return {
    backend: redisLimits(client, {
      prefix: options.prefix,
      available: () => client.isReady,
      liveInstances: () => instances(),
      onFallback: fallBack,
      returnLagMs: RETURN_LAG_MS,
      onTransition: ({ limit, to, waitMs }) =>
        options.log.warn(
          to === 'share'
            ? "CRM limit now kept at this instance's share; its first call waits out one window"
            : 'CRM limit shared again; its first call waits until no call made under a share is in the window',
          { limit, waitMs, instances: instances() },
        ),
    }),
    degraded: () => (client.isReady ? null : (down ?? 'Redis unreachable: limits are kept per instance')),
    countInstancesWith(count) {
      instances = count;
    },
    async ping() {
      if (!client.isReady) return false;
      try {
        await Promise.race([
          client.ping(),
          new Promise((_, fail) => setTimeout(() => fail(new Error('timeout')), 1000).unref()),
        ]);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await client.close().catch(() => client.destroy());
    },
  };
}
