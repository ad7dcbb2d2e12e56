/**
 * The one backoff and give-up rule for failed work, inbox items and outbox writes alike: after
 * each failure the item waits 2^(n-1) seconds (capped at 10 minutes, at least the CRM's wait hint),
 * and the failure that makes `MAX_ATTEMPTS` ends it as a dead letter with its reason, from where
 * `baton dlq` replays or drops it. Pure: callers store the outcome.
 */

/** Failed attempts after which an item is given up and becomes a dead letter. */
export const MAX_ATTEMPTS = 8;

/** The longest wait between two attempts. */
const MAX_BACKOFF_MS = 600_000;

/** Backoff after `attempts` failures: 2^n seconds capped at 10 minutes, at least the CRM's hint. */
export function backoffMs(attempts: number, hintMs?: number): number {
  return Math.max(hintMs ?? 0, Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1)));
}

/** What to do with an item whose attempt failed, given the attempts it had made before this one. */
export type FailedWorkOutcome = { kind: 'dead'; attempts: number } | { kind: 'retry'; attempts: number; at: Date };

/**
 * The outcome of a failed attempt: a dead letter once `MAX_ATTEMPTS` failures are reached (or when
 * the failure is final, a CRM's `dead` answer), else a retry after the backoff.
 */
export function afterFailure(
  previousAttempts: number,
  now: Date,
  options: { final?: boolean; hintMs?: number } = {},
): FailedWorkOutcome {
  const attempts = previousAttempts + 1;
  if (options.final || attempts >= MAX_ATTEMPTS) return { kind: 'dead', attempts };
  return { kind: 'retry', attempts, at: new Date(now.getTime() + backoffMs(attempts, options.hintMs)) };
}
