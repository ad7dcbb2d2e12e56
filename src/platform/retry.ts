/**
 * The one retry policy: p-retry with jittered exponential backoff. A `CrmError` (or `AlertError`) says whether it may be
 * retried and how long the CRM asked us to wait; anything else that is not a network error fails at once.
 */
import pRetry from 'p-retry';
import { AlertError, CrmError } from './errors.ts';
import { sleep } from './sleep.ts';

export interface RetryOptions {
  /** Retries after the first attempt. */
  retries?: number;
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
  /** Called after each failed attempt that will be retried, for logs and metrics. */
  onRetry?: (err: unknown, attempt: number) => void;
  /** Which failures are worth another attempt; default `isRetryable`. */
  shouldRetry?: (err: unknown) => boolean;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * True for errors worth another attempt now: retryable CRM errors and network failures. A CRM
 * whose circuit is open (`crm_unresponsive`) is retryable later, by the failed-work backoff, not in
 * this loop: retrying it here would only hold the worker for the circuit's whole pause.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof CrmError) return err.retryable && err.code !== 'crm_unresponsive';
  if (err instanceof AlertError) return err.retryable;
  const e = err as { code?: string; cause?: { code?: string } } | null;
  const code = e?.code ?? e?.cause?.code;
  if (code && NETWORK_CODES.has(code)) return true;
  return err instanceof TypeError && /fetch failed|network/i.test(err.message);
}

/** Runs `fn`, retrying what `isRetryable` allows; waits at least the CRM's `retryAfterMs` hint. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retryable = options.shouldRetry ?? isRetryable;
  return pRetry((attempt) => fn(attempt), {
    retries: options.retries ?? 5,
    factor: 2,
    minTimeout: options.minTimeoutMs ?? 200,
    maxTimeout: options.maxTimeoutMs ?? 10_000,
    randomize: true,
    shouldRetry: ({ error }) => retryable(error),
    onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
      if (retriesLeft <= 0 || !retryable(error)) return;
      options.onRetry?.(error, attemptNumber);
      const hint = error instanceof CrmError || error instanceof AlertError ? error.retryAfterMs : undefined;
      if (hint && hint > 0) await sleep(hint);
    },
  });
}
