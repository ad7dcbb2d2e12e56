/**
 * One limiter per HubSpot account, shared by every connector in the process that talks to it:
 * the account's rolling window (100 requests / 10 s for a private app, counted from send with a
 * margin) and the search window (5 / s), searches passing both. With a shared `LimitsBackend`
 * (Redis) the windows and the concurrency are counted for every Baton instance together.
 */
import {
  chainLimiters,
  localLimits,
  type Limiter,
  type LimitsBackend,
  type WindowLimit,
} from '../../src/platform/limiter.ts';

export interface HubSpotLimits {
  /** Every request; HubSpot private apps: 100 per 10 s (more on Professional/Enterprise). */
  account: WindowLimit;
  /** Search requests, which also count in `account`: 5 per second. */
  search: WindowLimit;
  maxConcurrent?: number;
}

export const DEFAULT_LIMITS: HubSpotLimits = {
  account: { limit: 100, windowMs: 10_000, marginMs: 100 },
  // 50 ms covers the send-to-arrival skew of calls a second apart; 100 ms cost a search-bound backfill 10% of its rate.
  search: { limit: 5, windowMs: 1_000, marginMs: 50 },
  maxConcurrent: 10,
};

export interface AccountLimiters {
  account: Limiter;
  /** Search window, then the account window. */
  search: Limiter;
  release(): Promise<void>;
}

interface Entry {
  account: Limiter;
  search: Limiter;
  users: number;
}

const registry = new Map<string, Entry>();

/**
 * The limiters of one account (`key`, e.g. the portal or a hash of the token), built by `backend`;
 * created on first use, released when the last user stops.
 */
export function accountLimiters(
  key: string,
  limits: HubSpotLimits = DEFAULT_LIMITS,
  backend: LimitsBackend = localLimits(),
): AccountLimiters {
  let entry = registry.get(key);
  if (!entry) {
    const account = backend.limiter({
      name: `hubspot:${key}`,
      window: limits.account,
      maxConcurrent: limits.maxConcurrent,
    });
    const searchOnly = backend.limiter({ name: `hubspot:${key}:search`, window: limits.search });
    entry = { account, search: chainLimiters(`hubspot:${key}:search+account`, searchOnly, account), users: 0 };
    registry.set(key, entry);
  }
  entry.users++;
  const e = entry;
  let released = false;
  return {
    account: e.account,
    search: e.search,
    release: async () => {
      if (released) return;
      released = true;
      if (--e.users === 0) {
        registry.delete(key);
        await e.search.stop();
      }
    },
  };
}
