/**
 * The one stale-revision retry. A person is saved with optimistic concurrency: a save that finds
 * the revision moved on throws `StaleError`, and the whole read-change-save runs again on fresh data.
 * No wait between tries: the other writer has already finished, so reading again at once succeeds.
 */
import { StaleError } from './errors.ts';

/** How many times a read-change-save runs before the last `StaleError` is let through. */
export const STALE_TRIES = 8;

export interface StaleRetryOptions {
  /** Other failures that a fresh read resolves too (e.g. two instances creating the same person). */
  alsoRetry?: (err: unknown) => boolean;
}

/** Runs `fn` again while it throws `StaleError` (or what `alsoRetry` accepts), `STALE_TRIES` times at most; rethrows the last error. */
export async function retryOnStale<T>(
  fn: (attempt: number) => Promise<T>,
  options: StaleRetryOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const again = err instanceof StaleError || options.alsoRetry?.(err) === true;
      if (!again || attempt >= STALE_TRIES) throw err;
    }
  }
}
