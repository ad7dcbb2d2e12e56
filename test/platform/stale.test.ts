import { describe, expect, it } from 'vitest';
import { BatonError, StaleError } from '../../src/platform/errors.ts';
import { retryOnStale, STALE_TRIES } from '../../src/platform/stale.ts';
import { sleep } from '../../src/platform/sleep.ts';

describe('retryOnStale', () => {
  it('runs again on a stale revision and returns the first result that saves', async () => {
    const seen: number[] = [];
    const out = await retryOnStale(async (attempt) => {
      seen.push(attempt);
      if (attempt < 3) throw new StaleError();
      return 'saved';
    });
    expect(out).toBe('saved');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('lets the last StaleError through after STALE_TRIES tries', async () => {
    let tries = 0;
    const err = await retryOnStale(async () => {
      tries++;
      throw new StaleError('person 7 kept changing');
    }).catch((e: unknown) => e);
    expect(tries).toBe(STALE_TRIES);
    expect(err).toBeInstanceOf(StaleError);
    expect(err).toBeInstanceOf(BatonError);
    expect((err as StaleError).code).toBe('person_stale');
    expect((err as StaleError).message).toBe('person 7 kept changing');
  });

  it('retries what alsoRetry accepts, and fails at once on anything else', async () => {
    let tries = 0;
    const raced = () => new BatonError('person_exists', 'a person with this email already exists');
    await expect(
      retryOnStale(
        async () => {
          if (++tries < 2) throw raced();
          return tries;
        },
        { alsoRetry: (e) => e instanceof BatonError && e.code === 'person_exists' },
      ),
    ).resolves.toBe(2);
    tries = 0;
    await expect(
      retryOnStale(async () => {
        tries++;
        throw new BatonError('bad_input', 'nope');
      }),
    ).rejects.toThrow('nope');
    expect(tries).toBe(1);
  });
});

describe('sleep', () => {
  it('resolves early, without rejecting, when its signal aborts', async () => {
    const ac = new AbortController();
    const slept = sleep(60_000, ac.signal).then(() => 'woke');
    ac.abort();
    await expect(slept).resolves.toBe('woke');
    await expect(sleep(60_000, AbortSignal.abort())).resolves.toBeUndefined();
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});
