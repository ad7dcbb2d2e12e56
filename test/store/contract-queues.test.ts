/**
 * The Store contract (inbox and outbox): the same suite runs unchanged on SQLite and PostgreSQL in every run.
 */
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';
import { bothBackends, type TestStore } from '../support/store.ts';
import { T0, at, put, drainConcurrently, openForSuite } from './contract-support.ts';

describe.each(bothBackends)('Store contract on $name', ({ make }) => {
  let t: TestStore;
  let s: Store;
  openForSuite(make, (opened) => {
    t = opened;
    s = opened.store;
  });

  describe('inbox', () => {
    const item = (dedupKey: string, ms = 0) => ({
      source: 'hubspot' as const,
      dedupKey,
      body: { v: dedupKey },
      receivedAt: at(ms),
    });

    it('a duplicate insert is a no-op that says it was a duplicate', async () => {
      const first = await s.inboxInsert(item('e1'));
      expect(first.duplicate).toBe(false);
      await s.inboxComplete([first.id]);
      const again = await s.inboxInsert({ ...item('e1'), body: { changed: true } });
      expect(again).toEqual({ id: first.id, duplicate: true });
      expect(await s.inboxClaim('w', 10, 1000, at(1000))).toEqual([]);
      expect((await s.inboxStats(at(0))).pending).toBe(0);
      // Same key from another source is a different item.
      expect((await s.inboxInsert({ ...item('e1'), source: 'salesforce' })).duplicate).toBe(false);
    });

    it('claims under a lease, reclaims after expiry, retries and completes', async () => {
      const a = await s.inboxInsert(item('a', 0));
      const b = await s.inboxInsert(item('b', 10));
      const claimed = await s.inboxClaim('w1', 10, 5_000, at(100));
      expect(claimed.map((r) => [r.id, r.dedupKey, r.body, r.attempts])).toEqual([
        [a.id, 'a', { v: 'a' }, 0],
        [b.id, 'b', { v: 'b' }, 0],
      ]);
      expect(await s.inboxClaim('w2', 10, 5_000, at(4_000))).toEqual([]);
      // w1 died: after the lease expires another worker gets the items.
      const reclaimed = await s.inboxClaim('w2', 1, 5_000, at(5_100));
      expect(reclaimed.map((r) => r.id)).toEqual([a.id]);
      await s.inboxFail(a.id, 'boom', at(60_000));
      expect((await s.inboxClaim('w3', 10, 60_000, at(30_000))).map((r) => r.id)).toEqual([b.id]);
      const retried = await s.inboxClaim('w3', 10, 5_000, at(60_000));
      expect(retried.map((r) => [r.id, r.attempts])).toEqual([[a.id, 1]]);
      expect(await s.inboxStats(at(1_000))).toEqual({ pending: 2, oldestMs: 1_000 });
      await s.inboxComplete([a.id, b.id]);
      expect(await s.inboxStats(at(1_000))).toEqual({ pending: 0, oldestMs: 0 });
    });

    it('defers an item without counting an attempt', async () => {
      const a = await s.inboxInsert(item('d', 0));
      await s.inboxClaim('w1', 10, 5_000, at(100));
      await s.inboxDefer(a.id, 'waiting for hubspot', at(60_000));
      // The lease is released, the item is not due before `retryAt`, and its attempts stay at 0.
      expect(await s.inboxClaim('w2', 10, 5_000, at(30_000))).toEqual([]);
      expect((await s.inboxClaim('w2', 10, 5_000, at(60_000))).map((r) => [r.id, r.attempts])).toEqual([[a.id, 0]]);
    });

    it('prunes done items by completion time, keeping pending ones', async () => {
      const done = await s.inboxInsert(item('old'));
      await s.inboxInsert(item('pending'));
      await s.inboxComplete([done.id]);
      expect(await s.inboxPrune('2000-01-01T00:00:00Z')).toBe(0);
      expect(await s.inboxPrune(new Date(Date.now() + 60_000).toISOString())).toBe(1);
      expect((await s.inboxInsert(item('old'))).duplicate).toBe(false);
      expect((await s.inboxInsert(item('pending'))).duplicate).toBe(true);
    });

    it('two concurrent claimers never get the same item', async () => {
      await s.transaction(async (tx) => {
        for (let i = 0; i < 60; i++) await tx.inboxInsert(item(`c${i}`, i));
      });
      const other = await openStore(t.url);
      try {
        const loop = async (st: Store, owner: string) => {
          const got: number[] = [];
          for (;;) {
            const rows = await st.inboxClaim(owner, 4, 60_000, at(1_000));
            if (rows.length === 0) return got;
            got.push(...rows.map((r) => r.id));
            await st.inboxComplete(rows.map((r) => r.id));
          }
        };
        const [x, y] = await Promise.all([loop(s, 'x'), loop(other, 'y')]);
        expect(new Set([...x, ...y]).size).toBe(60);
        expect(x.length + y.length).toBe(60);
      } finally {
        await other.close();
      }
    });
  });

  describe('outbox', () => {
    it('coalesces many changes to one record into one write of the newest payload', async () => {
      for (let n = 1; n <= 10; n++) await s.outboxPut(put('hubspot:contact:1', n));
      expect(await s.outboxPending()).toBe(1);
      const [row, ...rest] = await s.outboxClaim('hubspot', 'w', 10, 1_000, T0);
      expect(rest).toEqual([]);
      expect(row).toMatchObject({
        crm: 'hubspot',
        key: 'hubspot:contact:1',
        payload: { n: 10 },
        hash: 'h10',
        idempotencyKey: 'hubspot:contact:1:10',
        attempts: 0,
        lastError: null,
      });
      await s.outboxComplete(row.id, row.hash);
      expect(await s.outboxPending()).toBe(0);
      expect(await s.lastWrittenHash('hubspot:contact:1')).toBe('h10');
      expect(await s.lastWrittenHash('hubspot:contact:2')).toBeNull();
    });

    it('completing an older claim does not delete a newer payload', async () => {
      await s.outboxPut(put('k', 1));
      const [old] = await s.outboxClaim('hubspot', 'w', 1, 60_000, T0);
      await s.outboxPut(put('k', 2));
      await s.outboxComplete(old.id, old.hash);
      expect(await s.lastWrittenHash('k')).toBe('h1');
      // Released at once, not after the old lease: the newer payload is due again.
      const [next] = await s.outboxClaim('hubspot', 'w', 1, 60_000, T0);
      expect(next).toMatchObject({ id: old.id, payload: { n: 2 }, hash: 'h2' });
      expect(next.version).toBeGreaterThan(old.version!);
      // A re-put of the same content still bumps the version; passing it detects that.
      await s.outboxPut(put('k', 2));
      await s.outboxComplete(next.id, next.hash, next.version);
      expect(await s.outboxPending()).toBe(1);
      const [last] = await s.outboxClaim('hubspot', 'w', 1, 60_000, T0);
      await s.outboxComplete(last.id, last.hash, last.version);
      expect(await s.outboxPending()).toBe(0);
    });

    it('completes a written batch at once, keeping rows that got a newer payload', async () => {
      for (const k of ['a', 'b', 'c']) await s.outboxPut(put(k, 1));
      const claimed = await s.outboxClaim('hubspot', 'w', 10, 60_000, T0);
      await s.outboxPut(put('b', 2));
      await s.outboxCompleteMany(claimed.map((r) => ({ id: r.id, hash: r.hash, version: r.version })));
      await s.outboxCompleteMany([]);
      expect([await s.lastWrittenHash('a'), await s.lastWrittenHash('b'), await s.lastWrittenHash('c')]).toEqual([
        'h1',
        'h1',
        'h1',
      ]);
      const left = await s.outboxClaim('hubspot', 'w', 10, 60_000, T0);
      expect(left.map((r) => [r.key, r.payload])).toEqual([['b', { n: 2 }]]);
    });

    it('honours next-attempt times, leases and retries per CRM', async () => {
      await s.outboxPut(put('a', 1));
      await s.outboxPut(put('b', 1, { notBefore: at(10_000) }));
      await s.outboxPut(put('s', 1, { crm: 'salesforce' }));
      expect(await s.outboxPending('hubspot')).toBe(2);
      expect(await s.outboxPending('salesforce')).toBe(1);
      const [a] = await s.outboxClaim('hubspot', 'w1', 10, 5_000, T0);
      expect(a.key).toBe('a');
      expect(await s.outboxClaim('hubspot', 'w2', 10, 5_000, at(4_999))).toEqual([]);
      expect((await s.outboxClaim('hubspot', 'w2', 10, 5_000, at(5_000))).map((r) => r.key)).toEqual(['a']);
      await s.outboxRetry(a.id, 'HTTP 503', at(20_000));
      expect((await s.outboxClaim('hubspot', 'w2', 10, 5_000, at(10_000))).map((r) => r.key)).toEqual(['b']);
      const [again] = await s.outboxClaim('hubspot', 'w2', 10, 5_000, at(20_000));
      expect(again).toMatchObject({ key: 'a', attempts: 1, lastError: 'HTTP 503', nextAttemptAt: at(20_000) });
      expect((await s.outboxClaim('salesforce', 'w', 10, 5_000, T0)).map((r) => r.key)).toEqual(['s']);
    });

    it('holds rows without counting an attempt: lease released, error kept, due again at the hold’s end', async () => {
      await s.outboxPut(put('a', 1));
      await s.outboxPut(put('b', 1));
      const rows = await s.outboxClaim('hubspot', 'w1', 10, 60_000, T0);
      await s.outboxHold(
        rows.map((r) => r.id),
        'held: property baton_stage does not exist',
        at(60_000),
      );
      await s.outboxHold([], 'nothing', at(1));
      expect(await s.outboxClaim('hubspot', 'w2', 10, 5_000, at(59_999))).toEqual([]);
      const again = await s.outboxClaim('hubspot', 'w2', 10, 5_000, at(60_000));
      expect(again.map((r) => [r.key, r.attempts, r.lastError])).toEqual([
        ['a', 0, 'held: property baton_stage does not exist'],
        ['b', 0, 'held: property baton_stage does not exist'],
      ]);
    });

    it('finds pending rows by key, claimed or not', async () => {
      for (const k of ['a', 'b', 'c']) await s.outboxPut(put(k, 1));
      await s.outboxClaim('hubspot', 'w', 1, 60_000, T0);
      const keys = Array.from({ length: 700 }, (_, i) => `none-${i}`).concat(['a', 'c']);
      expect((await s.outboxByKeys(keys)).map((r) => [r.key, r.payload]).sort()).toEqual([
        ['a', { n: 1 }],
        ['c', { n: 1 }],
      ]);
      expect(await s.outboxByKeys([])).toEqual([]);
    });

    it('a row held by notBefore is released by a later put without one; a back-off stays', async () => {
      await s.outboxPut(put('held', 1, { notBefore: at(10_000) }));
      expect(await s.outboxClaim('hubspot', 'w', 10, 5_000, T0)).toEqual([]);
      await s.outboxPut(put('held', 2));
      const [row] = await s.outboxClaim('hubspot', 'w', 10, 5_000, T0);
      expect(row).toMatchObject({ key: 'held', payload: { n: 2 }, attempts: 0 });
      await s.outboxRetry(row.id, 'HTTP 503', at(20_000));
      await s.outboxPut(put('held', 3));
      expect(await s.outboxClaim('hubspot', 'w', 10, 5_000, at(19_999))).toEqual([]);
      expect((await s.outboxClaim('hubspot', 'w', 10, 5_000, at(20_000))).map((r) => r.payload)).toEqual([{ n: 3 }]);
    });

    it('two concurrent claimers (separate stores) never get the same item', async () => {
      const N = 150;
      await s.transaction(async (tx) => {
        for (let i = 0; i < N; i++) await tx.outboxPut(put(`hubspot:contact:${i}`, i));
      });
      const other = await openStore(t.url);
      try {
        const [x, y] = await drainConcurrently(s, other, 5);
        expect(x.length + y.length).toBe(N);
        expect(new Set([...x, ...y]).size).toBe(N);
        expect(await s.outboxPending()).toBe(0);
      } finally {
        await other.close();
      }
    });

    it('dead letters can be listed, retried into the outbox and dropped', async () => {
      await s.outboxPut(put('k1', 1, { personId: null }));
      await s.outboxPut(put('k2', 1));
      const claimed = await s.outboxClaim('hubspot', 'w', 10, 1_000, T0);
      for (const r of claimed) await s.outboxDead(r.id, `INVALID_EMAIL on ${r.key}`);
      expect(await s.outboxPending()).toBe(0);
      const dead = await s.listDeadLetters();
      expect(dead.map((d) => [d.key, d.error, d.attempts, d.payload])).toEqual([
        ['k1', 'INVALID_EMAIL on k1', 1, { n: 1 }],
        ['k2', 'INVALID_EMAIL on k2', 1, { n: 1 }],
      ]);
      expect(await s.retryDeadLetter(dead[0].id, at(1_000))).toBe(true);
      expect(await s.retryDeadLetter(dead[0].id, at(1_000))).toBe(false);
      expect(await s.outboxClaim('hubspot', 'w', 10, 1_000, at(999))).toEqual([]);
      const [back] = await s.outboxClaim('hubspot', 'w', 10, 1_000, at(1_000));
      expect(back).toMatchObject({ key: 'k1', payload: { n: 1 }, idempotencyKey: 'k1:1', attempts: 0 });
      expect(await s.dropDeadLetter(dead[1].id)).toBe(true);
      expect(await s.dropDeadLetter(dead[1].id)).toBe(false);
      expect(await s.listDeadLetters()).toEqual([]);
    });

    it('retrying a dead letter keeps a newer pending payload for the same key', async () => {
      await s.outboxPut(put('k', 1));
      const [r] = await s.outboxClaim('hubspot', 'w', 1, 1_000, T0);
      await s.outboxDead(r.id, 'bad');
      await s.outboxPut(put('k', 2));
      const [dead] = await s.listDeadLetters();
      expect(await s.retryDeadLetter(dead.id, T0)).toBe(true);
      const claimed = await s.outboxClaim('hubspot', 'w', 10, 1_000, T0);
      expect(claimed.map((c) => c.payload)).toEqual([{ n: 2 }]);
    });
  });
});
