/**
 * The Store contract: the same suite runs unchanged on SQLite and PostgreSQL in every run.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type OutboxRow, type Store, type TransitionRow } from '../../src/store/index.ts';
import { bothBackends, type TestStore } from '../support/store.ts';

const T0 = '2026-03-02T09:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

function transition(personId: number, to: TransitionRow['to'], atIso: string): Omit<TransitionRow, 'id'> {
  return { personId, from: null, to, at: atIso, cause: 'test', version: 1, scores: { fit: 10, engagement: 2.5 }, passed: [to], breached: false, reason: null, meta: { k: 'v' } };
}

function put(key: string, n: number, extra: Partial<Parameters<Store['outboxPut']>[0]> = {}) {
  return { crm: 'hubspot' as const, key, personId: null, payload: { n }, hash: `h${n}`, idempotencyKey: `${key}:${n}`, ...extra };
}

/** Two claimers in parallel loops until the outbox is drained; returns what each got. */
async function drainConcurrently(a: Store, b: Store, batch: number): Promise<number[][]> {
  const loop = async (s: Store, owner: string) => {
    const got: number[] = [];
    for (;;) {
      const rows: OutboxRow[] = await s.outboxClaim('hubspot', owner, batch, 60_000, T0);
      if (rows.length === 0) return got;
      got.push(...rows.map((r) => r.id));
      for (const r of rows) await s.outboxComplete(r.id, r.hash);
    }
  };
  return Promise.all([loop(a, 'a'), loop(b, 'b')]);
}

describe.each(bothBackends)('Store contract on $name', ({ name, make }) => {
  let t: TestStore;
  let s: Store;
  beforeAll(async () => {
    t = await make();
    s = t.store;
  });
  beforeEach(async () => {
    await t.reset();
  });
  afterAll(async () => {
    await t.cleanup();
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

  describe('inbox', () => {
    const item = (dedupKey: string, ms = 0) => ({ source: 'hubspot' as const, dedupKey, body: { v: dedupKey }, receivedAt: at(ms) });

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

  describe('people', () => {
    it('creates, finds by email and CRM id (also aliases), pages and saves with revisions', async () => {
      const p = await s.createPerson({ email: '  Ada@Example.COM ', hubspotId: 'hs1', fields: { first: 'Ada' }, scores: { fit: 40, engagement: 7.25 } });
      expect(p).toMatchObject({ email: 'ada@example.com', hubspotId: 'hs1', salesforceId: null, stage: 'lead', revision: 1, slaBreached: false, fields: { first: 'Ada' }, scores: { fit: 40, engagement: 7.25 } });
      expect((await s.findPersonByEmail('ADA@example.com'))?.id).toBe(p.id);
      expect((await s.findPersonByCrmId('hubspot', 'hs1'))?.id).toBe(p.id);
      expect(await s.findPersonByCrmId('salesforce', 'hs1')).toBeNull();
      await s.linkCrmId(p.id, 'hubspot', 'hs-old');
      expect((await s.findPersonByCrmId('hubspot', 'hs-old'))?.id).toBe(p.id);

      const stale = { ...p };
      p.stage = 'mql';
      p.salesforceId = '00Q1';
      p.salesforceObject = 'Lead';
      p.slaDue = at(3_600_000);
      p.state = { since: T0 };
      p.updatedAt = at(5);
      expect(await s.savePerson(p)).toBe(true);
      expect(p.revision).toBe(2);
      expect(await s.savePerson(stale)).toBe(false);
      const got = await s.getPerson(p.id);
      expect(got).toEqual({ ...p });
      expect((await s.findPersonByCrmId('salesforce', '00Q1'))?.id).toBe(p.id);
      expect(await s.getPerson(p.id + 1000)).toBeNull();

      await expect(s.createPerson({ email: 'ADA@example.com' })).rejects.toMatchObject({ code: 'person_exists' });
      const q = await s.createPerson({ email: 'bob@example.com' });
      expect((await s.listPeople({ limit: 10 })).map((r) => r.id)).toEqual([p.id, q.id]);
      expect((await s.listPeople({ afterId: p.id, limit: 10 })).map((r) => r.id)).toEqual([q.id]);
      expect((await s.listPeople({ limit: 1 })).map((r) => r.id)).toEqual([p.id]);
    });

    it('a save links the CRM ids that changed, and leaves a stored id that moved to someone else where it is', async () => {
      const a = await s.createPerson({ email: 'a@x.io', hubspotId: '1' });
      expect((await s.findPersonByCrmId('hubspot', '1'))?.id).toBe(a.id);
      const b = await s.createPerson({ email: 'b@x.io' });
      await s.linkCrmId(b.id, 'hubspot', '1'); // the contact was merged into b's in HubSpot
      const loaded = (await s.getPerson(a.id))!;
      loaded.stage = 'mql';
      expect(await s.savePerson(loaded)).toBe(true);
      expect((await s.findPersonByCrmId('hubspot', '1'))?.id).toBe(b.id);
      loaded.salesforceId = '00Q9';
      expect(await s.savePerson(loaded)).toBe(true);
      expect((await s.findPersonByCrmId('salesforce', '00Q9'))?.id).toBe(a.id);
      // a copy of the row (no record of what was stored) links everything it names
      const copy = { ...(await s.getPerson(a.id))!, hubspotId: '2' };
      expect(await s.savePerson(copy)).toBe(true);
      expect((await s.findPersonByCrmId('hubspot', '2'))?.id).toBe(a.id);
    });

    it('lists people whose SLA is due and not breached', async () => {
      const due = await s.createPerson({ email: 'a@x.io', slaDue: at(1_000) });
      await s.createPerson({ email: 'b@x.io', slaDue: at(1_000), slaBreached: true });
      await s.createPerson({ email: 'c@x.io', slaDue: at(9_000) });
      await s.createPerson({ email: 'd@x.io' });
      expect((await s.dueSla(at(1_000), 10)).map((p) => p.id)).toEqual([due.id]);
      expect(await s.dueSla(at(999), 10)).toEqual([]);
    });

    it('merge folds events, transitions, feedback, CRM ids and deal links into one person', async () => {
      const into = await s.createPerson({ email: 'keep@x.io', hubspotId: 'hs-keep' });
      const from = await s.createPerson({ email: 'dupe@x.io', hubspotId: 'hs-dupe', salesforceId: '003X', salesforceObject: 'Contact' });
      await s.insertEvents([{ id: 'ev1', personId: from.id, type: 'page_view', at: at(1), properties: {}, campaign: 'spring', channel: 'email' }]);
      await s.appendTransitions([transition(from.id, 'mql', at(2))]);
      await s.insertFeedback({ personId: from.id, decision: 'accept', reason: null, at: at(3), source: 'salesforce' });
      await s.upsertDeal({ key: 'hubspot:d1', hubspotId: 'd1', salesforceId: null, fields: {}, personIds: [from.id, into.id], createdAt: null, updatedAt: at(4) });
      await s.upsertDeal({ key: 'hubspot:d2', hubspotId: 'd2', salesforceId: null, fields: {}, personIds: [from.id], createdAt: null, updatedAt: at(4) });

      await s.mergePeople(into.id, from.id);

      expect(await s.getPerson(from.id)).toBeNull();
      const merged = await s.getPerson(into.id);
      expect(merged).toMatchObject({ hubspotId: 'hs-keep', salesforceId: '003X', salesforceObject: 'Contact', revision: 2 });
      expect((await s.listEvents(into.id)).map((e) => e.id)).toEqual(['ev1']);
      expect((await s.listTransitions(into.id)).map((r) => r.to)).toEqual(['mql']);
      expect((await s.listFeedback(into.id)).map((f) => f.decision)).toEqual(['accept']);
      expect((await s.findPersonByCrmId('hubspot', 'hs-dupe'))?.id).toBe(into.id);
      expect((await s.findPersonByCrmId('salesforce', '003X'))?.id).toBe(into.id);
      expect((await s.dealsForPerson(into.id)).map((d) => [d.key, d.personIds])).toEqual([
        ['hubspot:d1', [into.id]],
        ['hubspot:d2', [into.id]],
      ]);
      expect(await s.savePerson(into)).toBe(false);
    });
  });

  describe('history', () => {
    it('appends and lists transitions, and windows them newest first', async () => {
      const p = await s.createPerson({ email: 't@x.io' });
      await s.appendTransitions([transition(p.id, 'mql', at(1_000)), { ...transition(p.id, 'sal', at(2_000)), from: 'mql', breached: true, reason: 'late' }]);
      await s.appendTransitions([transition(p.id, 'sql', at(3_000))]);
      const all = await s.listTransitions(p.id);
      expect(all.map((r) => [r.from, r.to, r.breached, r.reason])).toEqual([
        [null, 'mql', false, null],
        ['mql', 'sal', true, 'late'],
        [null, 'sql', false, null],
      ]);
      expect(all[0]).toMatchObject({ personId: p.id, at: at(1_000), cause: 'test', version: 1, scores: { fit: 10, engagement: 2.5 }, passed: ['mql'], meta: { k: 'v' } });
      expect((await s.transitionsBetween(at(2_000), at(3_000))).map((r) => r.to)).toEqual(['sal']);
      expect((await s.transitionsBetween(null, null)).map((r) => r.to)).toEqual(['sql', 'sal', 'mql']);
      expect((await s.transitionsBetween(at(1_500), null, 1)).map((r) => r.to)).toEqual(['sql']);
    });

    it('inserts only new events and reports which were new', async () => {
      const p = await s.createPerson({ email: 'e@x.io' });
      const ev = (id: string, ms: number) => ({ id, personId: p.id, type: 'form_submit', at: at(ms), properties: { form: id }, campaign: null, channel: 'web' });
      expect(await s.insertEvents([ev('b', 2), ev('a', 1)])).toEqual(['b', 'a']);
      expect(await s.insertEvents([ev('a', 9), ev('c', 3)])).toEqual(['c']);
      expect(await s.insertEvents([])).toEqual([]);
      const listed = await s.listEvents(p.id);
      expect(listed.map((e) => e.id)).toEqual(['a', 'b', 'c']);
      expect(listed[0]).toEqual(ev('a', 1));
    });

    it('stores feedback', async () => {
      const p = await s.createPerson({ email: 'f@x.io' });
      const f = await s.insertFeedback({ personId: p.id, decision: 'reject', reason: 'no budget', at: at(1), source: 'api' });
      expect(f.id).toBeGreaterThan(0);
      expect(await s.listFeedback(p.id)).toEqual([f]);
    });
  });

  describe('deals and attribution', () => {
    it('upserts deals with their people and replaces attribution results', async () => {
      const p = await s.createPerson({ email: 'd@x.io' });
      const q = await s.createPerson({ email: 'e@x.io' });
      const deal = { key: 'salesforce:006A', hubspotId: null, salesforceId: '006A', fields: { amount: 1200 }, personIds: [p.id, q.id], createdAt: at(0), updatedAt: at(1) };
      await s.upsertDeal(deal);
      expect(await s.getDeal(deal.key)).toEqual(deal);
      await s.upsertDeal({ ...deal, fields: { amount: 1500 }, personIds: [q.id], updatedAt: at(2) });
      expect(await s.getDeal(deal.key)).toMatchObject({ fields: { amount: 1500 }, personIds: [q.id] });
      expect(await s.dealsForPerson(p.id)).toEqual([]);
      expect(await s.getDeal('nope')).toBeNull();

      const share = { eventId: 'ev1', campaign: 'spring', channel: 'email', cents: 150_000_000_000 };
      const row = (model: string, closeDate: string) => ({ dealKey: deal.key, model, amountCents: 150_000_000_000, closeDate, shares: [share], computedAt: at(3) });
      await s.replaceAttribution(deal.key, [row('first_touch', '2026-03-01'), row('linear', '2026-03-01')]);
      await s.replaceAttribution(deal.key, [row('linear', '2026-03-05')]);
      expect(await s.attributionFor('first_touch', null, null)).toEqual([]);
      expect(await s.attributionFor('linear', '2026-03-01', '2026-04-01')).toEqual([row('linear', '2026-03-05')]);
      expect(await s.attributionFor('linear', null, '2026-03-05')).toEqual([]);
    });
  });

  describe('outbox', () => {
    it('coalesces many changes to one record into one write of the newest payload', async () => {
      for (let n = 1; n <= 10; n++) await s.outboxPut(put('hubspot:contact:1', n));
      expect(await s.outboxPending()).toBe(1);
      const [row, ...rest] = await s.outboxClaim('hubspot', 'w', 10, 1_000, T0);
      expect(rest).toEqual([]);
      expect(row).toMatchObject({ crm: 'hubspot', key: 'hubspot:contact:1', payload: { n: 10 }, hash: 'h10', idempotencyKey: 'hubspot:contact:1:10', attempts: 0, lastError: null });
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
      expect([await s.lastWrittenHash('a'), await s.lastWrittenHash('b'), await s.lastWrittenHash('c')]).toEqual(['h1', 'h1', 'h1']);
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
      await s.outboxHold(rows.map((r) => r.id), 'held: property baton_stage does not exist', at(60_000));
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
      expect((await s.outboxByKeys(keys)).map((r) => [r.key, r.payload]).sort()).toEqual([['a', { n: 1 }], ['c', { n: 1 }]]);
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

  describe('sessions', () => {
    const row = (idHash: string, tokenHash = 't1') => ({ idHash, tokenHash, createdAt: '2026-12-01T00:00:00.000Z', seenAt: '2026-12-01T00:00:00.000Z', expiresAt: '2026-12-08T00:00:00.000Z' });
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
      expect(await s.pruneSessions({ now: '2026-12-01T12:00:00.000Z', idleBefore: '2026-11-30T12:00:00.000Z', tokenHash: 't1' })).toBe(3);
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

  it('stores agreement versions once per hash and knows the live one', async () => {
    const v = (version: number, hash: string, ms: number) => ({ version, name: 'handoff', text: `v${version}`, owners: { marketing: 'ann' }, hash, liveAt: at(ms) });
    expect(await s.liveAgreementVersion()).toBeNull();
    await s.saveAgreementVersion(v(1, 'h1', 0));
    await s.saveAgreementVersion(v(1, 'h1', 5));
    await s.saveAgreementVersion(v(2, 'h2', 10));
    expect(await s.listAgreementVersions()).toEqual([v(1, 'h1', 0), v(2, 'h2', 10)]);
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
      expect([await s.getCursor('outer'), await s.getCursor('inner'), await s.getCursor('second')]).toEqual(['kept', null, 'kept']);
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
