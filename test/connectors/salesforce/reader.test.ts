import { describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../../connectors/types.ts';
import { connectorFor, freshOrg, useFakeSalesforce } from './helpers.ts';

useFakeSalesforce();

describe('Salesforce reads and polls', () => {
  it('pages 250 records that share one SystemModstamp without skipping or repeating any', async () => {
    const api = freshOrg({ queryBatchSize: 40 }); // forces nextRecordsUrl within each poll
    const at = new Date('2026-11-30T12:00:00Z');
    const ids = Array.from(
      { length: 250 },
      (_, i) => api.org.insert('Lead', { LastName: `L${i}`, Company: 'Acme', Email: `l${i}@acme.example` }, { at }).Id,
    );
    const sf = connectorFor(api, { pollPageSize: 100 });
    await sf.start();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await sf.poll(cursor);
      seen.push(...page.records.filter((r) => r.object === 'Lead').map((r) => r.id));
      cursor = page.cursor;
      pages++;
      if (!page.more) break;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    expect(api.log.some((r) => /\/query\/01g/.test(r.path))).toBe(true);
    // a later change is picked up, and only it
    api.org.now = () => new Date('2026-11-30T12:05:00Z');
    api.org.touch(ids[7], { Status: 'Working - Contacted' }, api.org.integrationUserId);
    const next = await sf.poll(cursor);
    expect(next.records.map((r) => r.id)).toEqual([ids[7]]);
    expect(next.records[0]).toMatchObject({
      modifiedAt: '2026-11-30T12:05:00.000Z',
      changedBy: api.org.integrationUserId,
    });
  });

  it('reads records by id in batches, with conversion links and opportunity contact roles', async () => {
    const api = freshOrg();
    const lead = api.org.insert('Lead', { LastName: 'Conv', Company: 'Acme', Email: 'c@acme.example' });
    const conv = api.org.convertLead(lead.Id, { opportunity: { Amount: 1200.5, StageName: 'Closed Won' } });
    const sf = connectorFor(api);
    await sf.start();
    const recs = await sf.read([
      { crm: 'salesforce', object: 'Lead', id: lead.Id },
      { crm: 'salesforce', object: 'Opportunity', id: String(conv.opportunityId) },
      { crm: 'salesforce', object: 'Contact', id: conv.contactId },
    ]);
    const byId = new Map(recs.map((r) => [r.id, r] as [string, CrmRecord]));
    expect(byId.get(lead.Id)).toMatchObject({
      properties: { IsConverted: true, ConvertedContactId: conv.contactId },
      associations: { contacts: [conv.contactId], opportunities: [conv.opportunityId] },
    });
    expect(byId.get(String(conv.opportunityId))).toMatchObject({
      properties: {
        StageName: 'Closed Won',
        Amount: 1200.5,
        contactRoles: [{ contactId: conv.contactId, isPrimary: true }],
      },
      associations: { contacts: [conv.contactId] },
    });
    expect(byId.get(conv.contactId)?.properties).not.toHaveProperty('Company');
  });

  it('tells Baton’s own echo from a real change', async () => {
    const api = freshOrg();
    const lead = api.org.insert('Lead', {
      LastName: 'E',
      Company: 'Acme',
      Baton_Stage__c: 'mql',
      Baton_Fit_Score__c: 45,
    });
    const sf = connectorFor(api);
    await sf.start();
    const [rec] = await sf.read([{ crm: 'salesforce', object: 'Lead', id: lead.Id }]);
    expect(sf.isEcho(rec, { Baton_Stage__c: 'mql', Baton_Fit_Score__c: '45' })).toBe(true);
    expect(sf.isEcho(rec, { Baton_Stage__c: 'sal' })).toBe(false);
    expect(sf.isEcho({ ...rec, changedBy: '0055g0000099999AAA' }, { Baton_Stage__c: 'mql' })).toBe(false);
  });

  it('leaves the last seconds to the next poll, so a late commit in the same second is not skipped', async () => {
    const api = freshOrg();
    let now = new Date('2026-11-30T12:00:00.500Z');
    api.org.now = () => now;
    const sf = connectorFor(api, { pollLagMs: 10_000, now: () => now });
    const b = api.org.insert('Lead', { LastName: 'B', Company: 'Acme' });
    const first = await sf.poll(null);
    expect(first.records).toHaveLength(0);
    const a = api.org.insert('Lead', { LastName: 'A', Company: 'Acme', Id: '00Q5g0000000000000' }); // same second, smaller Id
    now = new Date('2026-11-30T12:00:11Z');
    const second = await sf.poll(first.cursor);
    expect(second.records.map((r) => r.id)).toEqual([a.Id, b.Id]);
  });
});
