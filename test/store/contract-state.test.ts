/**
 * The Store contract (dialect, migrations, sessions, cursors, leases, counters, values, agreement versions and transactions): the same suite runs unchanged on SQLite and PostgreSQL in every run.
 */
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.ts';
import { bothBackends, type TestStore } from '../support/store.ts';
import { T0, at, transition, put, openForSuite } from './contract-support.ts';

describe.each(bothBackends)('Store contract on $name', ({ name, make }) => {
  let t: TestStore;
  let s: Store;
  openForSuite(make, (opened) => {
    t = opened;
    s = opened.store;
  });

  it('reports its dialect', () => {
    expect(s.dialect).toBe(name);
  });

  it('migrations are idempotent, also from a second store on the same database', async () => {
    await s.migrate();
    await s.migrate();
    await s.setCursor('c', 'one');
    const [second, third] = await Promise.all([openStore(t.url), openStore(t.url)]);
    try {
      await second.migrate();
      expect(await second.getCursor('c')).toBe('one');
      expect(await third.getCursor('c')).toBe('one');
    } finally {
      await second.close();
      await third.close();
    }
  });

  describe('sessions', () => {
    const row = (idHash: string, tokenHash = 't1') => ({
      idHash,
      tokenHash,
      createdAt: '2026-12-01T00:00:00.000Z',
      seenAt: '2026-12-01T00:00:00.000Z',
      expiresAt: '2026-12-08T00:00:00.000Z',
      userId: null,
    });
    it('creates, reads, touches and deletes a session by the hash of its id', async () => {
      await s.createSession(row('h1'));
      expect(await s.getSession('h1')).toEqual(row('h1'));
      expect(await s.getSession('h2')).toBeNull();
      await s.touchSession('h1', '2026-12-01T05:00:00.000Z');
      expect((await s.getSession('h1'))?.seenAt).toBe('2026-12-01T05:00:00.000Z');
      expect(await s.deleteSession('h1')).toBe(true);
      expect(await s.deleteSession('h1')).toBe(false);
      expect(await s.getSession('h1')).toBeNull();
    });
    it('prunes sessions past their end, idle ones and those of another token', async () => {
      await s.createSession(row('live'));
      await s.createSession({ ...row('idle'), seenAt: '2026-11-30T00:00:00.000Z' });
      await s.createSession({ ...row('ended'), expiresAt: '2026-12-01T10:00:00.000Z' });
      await s.createSession(row('old-token', 't0'));
      expect(
        await s.pruneSessions({
          now: '2026-12-01T12:00:00.000Z',
          idleBefore: '2026-11-30T12:00:00.000Z',
          tokenHash: 't1',
        }),
      ).toBe(3);
      expect(await s.getSession('live')).not.toBeNull();
      for (const gone of ['idle', 'ended', 'old-token']) expect(await s.getSession(gone)).toBeNull();
    });
  });

  describe('cursors, leases, counters, values', () => {
    it('stores cursors and values', async () => {
      expect(await s.getCursor('hubspot:contacts')).toBeNull();
      await s.setCursor('hubspot:contacts', 'after=100');
      await s.setCursor('hubspot:contacts', 'after=200');
      expect(await s.getCursor('hubspot:contacts')).toBe('after=200');
      await s.setCursor('hubspot:contacts', null);
      expect(await s.getCursor('hubspot:contacts')).toBeNull();
      expect(await s.getValue('v')).toBeUndefined();
      await s.setValue('v', { a: [1, 'two', null] });
      expect(await s.getValue('v')).toEqual({ a: [1, 'two', null] });
      await s.setValue('v', 3);
      expect(await s.getValue('v')).toBe(3);
      await s.setValue('v', undefined);
      expect(await s.getValue('v')).toBeUndefined();
    });

    it('named leases: take, renew by owner, refuse others, take over when expired, release', async () => {
      expect(await s.acquireLease('poller', 'a', 1_000, T0)).toBe(true);
      expect(await s.acquireLease('poller', 'b', 1_000, at(500))).toBe(false);
      expect(await s.acquireLease('poller', 'a', 1_000, at(900))).toBe(true);
      expect(await s.acquireLease('poller', 'b', 1_000, at(1_500))).toBe(false);
      expect(await s.acquireLease('poller', 'b', 1_000, at(1_900))).toBe(true);
      await s.releaseLease('poller', 'a');
      expect(await s.acquireLease('poller', 'a', 1_000, at(2_000))).toBe(false);
      await s.releaseLease('poller', 'b');
      expect(await s.acquireLease('poller', 'a', 1_000, at(2_000))).toBe(true);
    });

    it('increments counters atomically across stores', async () => {
      expect(await s.increment('rr')).toBe(1);
      expect(await s.increment('rr', 4)).toBe(5);
      const other = await openStore(t.url);
      try {
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? s : other).increment('rr')));
        expect(new Set(results).size).toBe(40);
        expect(Math.max(...results)).toBe(45);
      } finally {
        await other.close();
      }
    });
  });

  it('stores agreement versions once per number and hash, closes the replaced one and knows the live one', async () => {
    const v = (version: number, hash: string, ms: number, liveTo: string | null = null) => ({
      version,
      name: 'handoff',
      text: `v${version}`,
      owners: { marketing: 'ann' },
      hash,
      liveAt: at(ms),
      liveTo,
    });
    expect(await s.liveAgreementVersion()).toBeNull();
    expect(await s.saveAgreementVersion(v(1, 'h1', 0))).toBe(true);
    expect(await s.saveAgreementVersion(v(1, 'h1', 5))).toBe(false);
    // another text under a stored number is not stored over it
    expect(await s.saveAgreementVersion(v(1, 'h1-edited', 6))).toBe(false);
    expect(await s.saveAgreementVersion(v(2, 'h2', 10))).toBe(true);
    expect(await s.listAgreementVersions()).toEqual([v(1, 'h1', 0, at(10)), v(2, 'h2', 10)]);
    expect(await s.liveAgreementVersion()).toEqual(v(2, 'h2', 10));
  });

  describe('transactions', () => {
    it('a failed transaction leaves nothing behind', async () => {
      const boom = new Error('boom');
      await expect(
        s.transaction(async (tx) => {
          const p = await tx.createPerson({ email: 'tx@x.io' });
          await tx.appendTransitions([transition(p.id, 'mql', T0)]);
          await tx.outboxPut(put('tx', 1, { personId: p.id }));
          await tx.increment('n');
          await tx.transaction(async (inner) => inner.setCursor('c', 'x'));
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await s.findPersonByEmail('tx@x.io')).toBeNull();
      expect(await s.transitionsBetween(null, null)).toEqual([]);
      expect(await s.outboxPending()).toBe(0);
      expect(await s.getCursor('c')).toBeNull();
      expect(await s.increment('n')).toBe(1);
    });

    it('a nested transaction that fails undoes only its own changes; the outer one commits', async () => {
      const boom = new Error('boom');
      await s.transaction(async (tx) => {
        await tx.setCursor('outer', 'kept');
        await expect(
          tx.transaction(async (inner) => {
            await inner.setCursor('inner', 'undone');
            await inner.outboxPut(put('inner', 1));
            throw boom;
          }),
        ).rejects.toBe(boom);
        // on PostgreSQL an error inside a transaction would abort it without the savepoint
        await tx.transaction(async (inner) => inner.setCursor('second', 'kept'));
      });
      expect([await s.getCursor('outer'), await s.getCursor('inner'), await s.getCursor('second')]).toEqual([
        'kept',
        null,
        'kept',
      ]);
      expect(await s.outboxPending()).toBe(0);
    });

    it('a failed statement inside a nested transaction leaves the outer one usable', async () => {
      const p = await s.createPerson({ email: 'sp@x.io' });
      await s.transaction(async (tx) => {
        await expect(tx.transaction((inner) => inner.createPerson({ email: 'sp@x.io' }))).rejects.toThrow();
        await tx.setCursor('after', 'yes');
      });
      expect(await s.getCursor('after')).toBe('yes');
      expect((await s.findPersonByEmail('sp@x.io'))?.id).toBe(p.id);
    });

    it('another store waits for an open transaction instead of failing', async () => {
      const other = await openStore(t.url);
      try {
        const slow = s.transaction(async (tx) => {
          await tx.setCursor('held', 'yes');
          await new Promise((r) => setTimeout(r, 150));
          await tx.increment('n');
        });
        await new Promise((r) => setTimeout(r, 20));
        const [, n] = await Promise.all([slow, other.increment('n')]);
        expect(n === 1 || n === 2).toBe(true);
        expect(await other.increment('n', 0)).toBe(2);
        expect(await other.getCursor('held')).toBe('yes');
      } finally {
        await other.close();
      }
    });

    it('a successful transaction commits everything and returns its value', async () => {
      const id = await s.transaction(async (tx) => {
        const p = await tx.createPerson({ email: 'ok@x.io', hubspotId: '9' });
        await tx.mergePeople(p.id, p.id);
        return p.id;
      });
      expect((await s.findPersonByCrmId('hubspot', '9'))?.id).toBe(id);
    });
  });
});
