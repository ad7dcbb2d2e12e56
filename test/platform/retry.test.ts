import { describe, expect, it } from 'vitest';
import { CrmError } from '../../src/platform/errors.ts';
import { isRetryable, withRetry } from '../../src/platform/retry.ts';

describe('the retry policy', () => {
  it('retries retryable CRM errors until the call succeeds', async () => {
    let calls = 0;
    const out = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new CrmError('hubspot', 'rate limited', { status: 429, retryable: true, retryAfterMs: 5 });
        return 'done';
      },
      { minTimeoutMs: 1, maxTimeoutMs: 5 },
    );
    expect(out).toBe('done');
    expect(calls).toBe(3);
  });

  it('fails at once on an error retrying cannot fix, keeping the error', async () => {
    let calls = 0;
    const bad = new CrmError('salesforce', 'bad value', { status: 400 });
    await expect(
      withRetry(
        async () => {
          calls++;
          throw bad;
        },
        { minTimeoutMs: 1 },
      ),
    ).rejects.toBe(bad);
    expect(calls).toBe(1);
  });

  it('gives up after the configured retries', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new CrmError('hubspot', 'down', { status: 503, retryable: true });
        },
        { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 2 },
      ),
    ).rejects.toThrow('down');
    expect(calls).toBe(3);
  });

  it('treats network failures as retryable and plain errors as not', () => {
    expect(isRetryable(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(new TypeError('fetch failed'))).toBe(true);
    expect(isRetryable(new Error('boom'))).toBe(false);
  });
});
