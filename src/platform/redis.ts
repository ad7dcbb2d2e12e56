/**
 * The Redis connection behind shared limits (`BATON_REDIS_URL`). While Redis is unreachable,
 * node-redis queues commands until it reconnects, so CRM calls wait rather than run unlimited;
 * `/readyz` reports the outage.
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
  close(): Promise<void>;
}

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
  const client = createClient({ url, socket: { connectTimeout: options.connectTimeoutMs ?? 5000 } });
  let lastError = '';
  // Without a listener an 'error' event would end the process; reconnects are node-redis' job.
  client.on('error', (err: Error) => {
    const message = errorMessage(err);
    if (message !== lastError)
      options.log.warn('redis connection error; shared rate limits wait for it', {
        redis: redactedRedisUrl(url),
        error: message,
      });
    lastError = message;
  });
  client.on('ready', () => {
    if (lastError) options.log.info('redis connection back', { redis: redactedRedisUrl(url) });
    lastError = '';
  });
  try {
    await client.connect();
  } catch (err) {
    client.destroy();
    throw new BatonError(
      'redis_unreachable',
      `cannot connect to Redis at ${redactedRedisUrl(url)} (BATON_REDIS_URL): ${errorMessage(err)}`,
      { cause: err },
    );
  }
  return {
    backend: redisLimits(client, { prefix: options.prefix }),
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
