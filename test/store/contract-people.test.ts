/**
 * The Store contract (people, history, deals and attribution): the same suite runs unchanged on SQLite and PostgreSQL in every run.
 */
import { describe, expect, it } from 'vitest';
import { type Store } from '../../src/store/index.ts';
import { bothBackends } from '../support/store.ts';
import { T0, at, transition, openForSuite } from './contract-support.ts';

describe.each(bothBackends)('Store contract on $name', ({ make }) => {
  let s: Store;
  openForSuite(make, (opened) => {
    s = opened.store;
  });

  describe('people', () => {
    it('finds the people of many emails in one call (normalised; unknown emails absent) and saves from those rows', async () => {
      expect(await s.findPeopleByEmails([])).toEqual([]);
      const a = await s.createPerson({ email: 'many-a@example.com' });
      const b = await s.createPerson({ email: 'many-b@example.com' });
      const found = await s.findPeopleByEmails([' MANY-A@example.com', 'many-b@example.com', 'nobody@example.com']);
      expect(found.map((p) => p.id).sort()).toEqual([a.id, b.id].sort());
      const row = found.find((p) => p.id === a.id)!;
      expect(row).toMatchObject({ email: 'many-a@example.com', revision: 1, stage: 'lead' });
      row.hubspotId = 'hs-many';
      expect(await s.savePerson(row)).toBe(true);
      expect((await s.findPersonByCrmId('hubspot', 'hs-many'))?.id).toBe(a.id);
      const many = Array.from({ length: 1200 }, (_, i) => `absent-${i}@example.com`);
      expect((await s.findPeopleByEmails([...many, 'many-b@example.com'])).map((p) => p.id)).toEqual([b.id]);
    });

    it('creates, finds by email and CRM id (also aliases), pages and saves with revisions', async () => {
      const p = await s.createPerson({
        email: '  Ada@Example.COM ',
        hubspotId: 'hs1',
        fields: { first: 'Ada' },
        scores: { fit: 40, engagement: 7.25 },
      });
      expect(p).toMatchObject({
        email: 'ada@example.com',
        hubspotId: 'hs1',
        salesforceId: null,
        stage: 'lead',
        revision: 1,
        slaBreached: false,
        fields: { first: 'Ada' },
        scores: { fit: 40, engagement: 7.25 },
      });
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
      p.state = { stage: 'mql', entered: { mql: T0 } };
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
      const from = await s.createPerson({
        email: 'dupe@x.io',
        hubspotId: 'hs-dupe',
        salesforceId: '003X',
        salesforceObject: 'Contact',
      });
      await s.insertEvents([
        {
          id: 'ev1',
          personId: from.id,
          type: 'page_view',
          at: at(1),
          properties: {},
          campaign: 'spring',
          channel: 'email',
        },
      ]);
      await s.appendTransitions([transition(from.id, 'mql', at(2))]);
      await s.insertFeedback({ personId: from.id, decision: 'accept', reason: null, at: at(3), source: 'salesforce' });
      await s.upsertDeal({
        key: 'hubspot:d1',
        hubspotId: 'd1',
        salesforceId: null,
        fields: {},
        personIds: [from.id, into.id],
        createdAt: null,
        updatedAt: at(4),
      });
      await s.upsertDeal({
        key: 'hubspot:d2',
        hubspotId: 'd2',
        salesforceId: null,
        fields: {},
        personIds: [from.id],
        createdAt: null,
        updatedAt: at(4),
      });

      await s.mergePeople(into.id, from.id);

      expect(await s.getPerson(from.id)).toBeNull();
      const merged = await s.getPerson(into.id);
      expect(merged).toMatchObject({
        hubspotId: 'hs-keep',
        salesforceId: '003X',
        salesforceObject: 'Contact',
        revision: 2,
      });
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
      await s.appendTransitions([
        transition(p.id, 'mql', at(1_000)),
        { ...transition(p.id, 'sal', at(2_000)), from: 'mql', breached: true, reason: 'late' },
      ]);
      await s.appendTransitions([transition(p.id, 'sql', at(3_000))]);
      const all = await s.listTransitions(p.id);
      expect(all.map((r) => [r.from, r.to, r.breached, r.reason])).toEqual([
        [null, 'mql', false, null],
        ['mql', 'sal', true, 'late'],
        [null, 'sql', false, null],
      ]);
      expect(all[0]).toMatchObject({
        personId: p.id,
        at: at(1_000),
        cause: 'test',
        version: 1,
        scores: { fit: 10, engagement: 2.5 },
        passed: ['mql'],
        meta: { k: 'v' },
      });
      expect((await s.transitionsBetween(at(2_000), at(3_000))).map((r) => r.to)).toEqual(['sal']);
      expect((await s.transitionsBetween(null, null)).map((r) => r.to)).toEqual(['sql', 'sal', 'mql']);
      expect((await s.transitionsBetween(at(1_500), null, 1)).map((r) => r.to)).toEqual(['sql']);
    });

    it('inserts only new events and reports which were new', async () => {
      const p = await s.createPerson({ email: 'e@x.io' });
      const ev = (id: string, ms: number) => ({
        id,
        personId: p.id,
        type: 'form_submit',
        at: at(ms),
        properties: { form: id },
        campaign: null,
        channel: 'web',
      });
      expect(await s.insertEvents([ev('b', 2), ev('a', 1)])).toEqual(['b', 'a']);
      expect(await s.insertEvents([ev('a', 9), ev('c', 3)])).toEqual(['c']);
      expect(await s.insertEvents([])).toEqual([]);
      // one event at a time (the prepared single insert): new once, then a duplicate
      expect(await s.insertEvents([ev('d', 4)])).toEqual(['d']);
      expect(await s.insertEvents([ev('d', 5)])).toEqual([]);
      const listed = await s.listEvents(p.id);
      expect(listed.map((e) => e.id)).toEqual(['a', 'b', 'c', 'd']);
      expect(listed[0]).toEqual(ev('a', 1));
      expect(listed[3]).toEqual(ev('d', 4));
    });

    it('stores feedback', async () => {
      const p = await s.createPerson({ email: 'f@x.io' });
      const f = await s.insertFeedback({
        personId: p.id,
        decision: 'reject',
        reason: 'no budget',
        at: at(1),
        source: 'api',
      });
      expect(f.id).toBeGreaterThan(0);
      expect(await s.listFeedback(p.id)).toEqual([f]);
    });
  });

  describe('deals and attribution', () => {
    it('upserts deals with their people and replaces attribution results', async () => {
      const p = await s.createPerson({ email: 'd@x.io' });
      const q = await s.createPerson({ email: 'e@x.io' });
      const deal = {
        key: 'salesforce:006A',
        hubspotId: null,
        salesforceId: '006A',
        fields: { amount: 1200 },
        personIds: [p.id, q.id],
        createdAt: at(0),
        updatedAt: at(1),
      };
      await s.upsertDeal(deal);
      expect(await s.getDeal(deal.key)).toEqual({ ...deal, accounts: [] });
      await s.upsertDeal({ ...deal, fields: { amount: 1500 }, personIds: [q.id], updatedAt: at(2) });
      expect(await s.getDeal(deal.key)).toMatchObject({ fields: { amount: 1500 }, personIds: [q.id] });
      expect(await s.dealsForPerson(p.id)).toEqual([]);
      expect(await s.getDeal('nope')).toBeNull();

      const share = { eventId: 'ev1', campaign: 'spring', channel: 'email', cents: 150_000_000_000 };
      const row = (model: string, closeDate: string) => ({
        dealKey: deal.key,
        model,
        amountCents: 150_000_000_000,
        closeDate,
        shares: [share],
        computedAt: at(3),
      });
      await s.replaceAttribution(deal.key, [row('first_touch', '2026-03-01'), row('linear', '2026-03-01')]);
      await s.replaceAttribution(deal.key, [row('linear', '2026-03-05')]);
      expect(await s.attributionFor('first_touch', null, null)).toEqual([]);
      expect(await s.attributionFor('linear', '2026-03-01', '2026-04-01')).toEqual([row('linear', '2026-03-05')]);
      expect(await s.attributionFor('linear', null, '2026-03-05')).toEqual([]);
    });
  });
});
