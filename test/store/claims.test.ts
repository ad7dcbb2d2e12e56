import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bothBackends, type TestStore } from '../support/store.ts';

const T0 = '2026-01-01T00:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

describe.each(bothBackends)('renewClaims ($name)', ({ make }) => {
  let ts: TestStore;
  beforeAll(async () => {
    ts = await make();
  });
  beforeEach(() => ts.reset());
  afterAll(() => ts.cleanup());

  it('keeps claimed inbox rows from being taken over while the owner works on them', async () => {
    const s = ts.store;
    for (const k of ['a', 'b']) await s.inboxInsert({ source: 'api', dedupKey: k, body: {}, receivedAt: T0 });
    const mine = await s.inboxClaim('one', 10, 1_000, T0);
    expect(mine).toHaveLength(2);
    expect(
      await s.renewClaims(
        'inbox',
        mine.map((r) => r.id),
        'one',
        1_000,
        at(900),
      ),
    ).toBe(2);
    expect(await s.inboxClaim('two', 10, 1_000, at(1_500))).toEqual([]);
    // Not renewed: taken over after the lease; the old owner's renewal then holds nothing.
    const taken = await s.inboxClaim('two', 10, 1_000, at(1_900));
    expect(taken).toHaveLength(2);
    expect(
      await s.renewClaims(
        'inbox',
        mine.map((r) => r.id),
        'one',
        1_000,
        at(2_000),
      ),
    ).toBe(0);
    await s.inboxComplete([taken[0].id]);
    expect(
      await s.renewClaims(
        'inbox',
        taken.map((r) => r.id),
        'two',
        1_000,
        at(2_000),
      ),
    ).toBe(1);
  });

  it('keeps claimed outbox rows leased', async () => {
    const s = ts.store;
    await s.outboxPut({
      crm: 'hubspot',
      key: 'hubspot:contact:1',
      personId: null,
      payload: { a: 1 },
      hash: 'h',
      idempotencyKey: 'i',
    });
    const [row] = await s.outboxClaim('hubspot', 'one', 10, 1_000, T0);
    expect(await s.renewClaims('outbox', [row.id], 'one', 5_000, at(500))).toBe(1);
    expect(await s.outboxClaim('hubspot', 'two', 10, 1_000, at(3_000))).toEqual([]);
    expect(await s.renewClaims('outbox', [row.id], 'two', 5_000, at(3_000))).toBe(0);
    expect(await s.outboxClaim('hubspot', 'two', 10, 1_000, at(5_500))).toHaveLength(1);
  });
});
