/** inRounds: the creates' re-check-then-send loop under the one retry policy. */
import { describe, expect, it } from 'vitest';
import { inRounds, saveWithLockRetry, type SaveResult } from '../../../connectors/salesforce/save.ts';
import { CrmError } from '../../../src/platform/errors.ts';

const fast = { minWaitMs: 1 };

describe('inRounds', () => {
  it('sends what a round leaves again until nothing is left', async () => {
    const seen: string[][] = [];
    const r = await inRounds(
      ['a', 'b', 'c'],
      async (pending) => {
        seen.push([...pending]);
        return { again: pending.slice(1) };
      },
      { attempts: 5, ...fast },
    );
    expect(seen).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']]);
    expect(r.left).toEqual([]);
  });

  it('gives back what is left after the last attempt, with the error that kept it', async () => {
    const boom = new CrmError('salesforce', 'HTTP 503', { retryable: true });
    let rounds = 0;
    const r = await inRounds(
      ['a'],
      async (pending) => {
        rounds++;
        return { again: pending, error: boom };
      },
      { attempts: 3, ...fast },
    );
    expect(rounds).toBe(3);
    expect(r).toEqual({ left: ['a'], error: boom });
  });

  it('runs a round that threw a retryable error again on the same ops, but not one that may not pass', async () => {
    const attempts: number[] = [];
    const r = await inRounds(
      ['a'],
      async (_pending, attempt) => {
        attempts.push(attempt);
        if (attempt === 1) throw new CrmError('salesforce', 'HTTP 503', { retryable: true });
        return { again: [] };
      },
      { attempts: 3, ...fast },
    );
    expect(attempts).toEqual([1, 2]);
    expect(r.left).toEqual([]);
    const bad = new CrmError('salesforce', 'INVALID_FIELD', { retryable: false });
    expect(
      await inRounds(
        ['a'],
        async () => {
          throw bad;
        },
        { attempts: 3, ...fast },
      ),
    ).toEqual({ left: ['a'], error: bad });
    // a create must re-check before it is sent again: with retryThrown false even a retryable throw ends the rounds
    const lost = new CrmError('salesforce', 'socket hang up', { retryable: true });
    let calls = 0;
    expect(
      await inRounds(
        ['a'],
        async () => {
          calls++;
          throw lost;
        },
        { attempts: 3, retryThrown: false, ...fast },
      ),
    ).toEqual({ left: ['a'], error: lost });
    expect(calls).toBe(1);
  });
});

describe('saveWithLockRetry', () => {
  it('sends again only the records Salesforce could not lock, and keeps the lock error of one that stays locked', async () => {
    const locked = (id: string): SaveResult => ({
      id,
      success: false,
      errors: [{ statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record' }],
    });
    const sent: string[][] = [];
    const results = await saveWithLockRetry(
      [{ Id: '1' }, { Id: '2' }, { Id: '3' }],
      async (batch) => {
        sent.push(batch.map((r) => String(r.Id)));
        return batch.map((r) =>
          r.Id === '3' || (r.Id === '2' && sent.length === 1)
            ? locked(String(r.Id))
            : { id: String(r.Id), success: true, errors: [] },
        );
      },
      2,
      1,
    );
    expect(sent).toEqual([['1', '2', '3'], ['2', '3'], ['3']]);
    expect(results.map((r) => r.success)).toEqual([true, true, false]);
    expect(results[2].errors[0].statusCode).toBe('UNABLE_TO_LOCK_ROW');
  });
});
