import { afterEach, describe, expect, it } from 'vitest';
import { FAST, harness } from './harness.ts';

let h: ReturnType<typeof harness>;
afterEach(() => h.close());

describe('HubSpot hydration', () => {
  it('reads contacts by email (batch read by idProperty, no search), hydrated like any read', async () => {
    h = harness();
    const co = h.api.seed('companies', { name: 'Corp', numberofemployees: 250 });
    const ids = Array.from({ length: 150 }, (_, i) =>
      h.api.seed('contacts', { email: `p${i}@corp.example`, firstname: `P${i}`, jobtitle: 'CTO' }),
    );
    h.api.associate('contacts', ids[3], 'companies', co, { primary: true });
    const c = h.connector({ limits: FAST });
    const records = await c.readByEmail([
      ...Array.from({ length: 150 }, (_, i) => `P${i}@Corp.example`),
      'nobody@corp.example',
    ]);
    expect(records).toHaveLength(150);
    expect(records.find((r) => r.id === ids[3])).toMatchObject({
      properties: { firstname: 'P3', 'company.numberofemployees': '250' },
      associations: { companies: [co] },
    });
    expect(h.api.calls(/\/crm\/v3\/objects\/contacts\/batch\/read$/)).toHaveLength(2);
    expect(h.api.calls(/search/)).toHaveLength(0);
  });

  it('hydrates 1,000 changed contacts with ≤ 10 batch reads, associations and primary companies', async () => {
    h = harness();
    const companies = Array.from({ length: 50 }, (_, i) =>
      h.api.seed('companies', { name: `Co ${i}`, numberofemployees: 100 + i }),
    );
    const other = h.api.seed('companies', { name: 'Side gig', numberofemployees: 3 });
    const contacts = Array.from({ length: 1000 }, (_, i) => {
      const id = h.api.seed('contacts', { email: `p${i}@corp.example`, jobtitle: 'CTO', hs_lead_status: 'NEW' });
      // Contact 7 has a non-primary company listed before its primary one.
      if (i === 7) h.api.associate('contacts', id, 'companies', other);
      h.api.associate('contacts', id, 'companies', companies[i % 50], { primary: true });
      return id;
    });
    const deal = h.api.seed('deals', { dealname: 'Big one', amount: 5000 });
    h.api.associate('deals', deal, 'contacts', contacts[0]);

    const c = h.connector({ limits: FAST });
    const records = await c.read(contacts.map((id) => ({ crm: 'hubspot', object: 'contact', id })));

    expect(records).toHaveLength(1000);
    const batchReads = h.api.calls(/\/crm\/v3\/objects\/contacts\/batch\/read$/);
    const assoc = h.api.calls(/\/crm\/v4\/associations\//);
    const companyReads = h.api.calls(/\/crm\/v3\/objects\/companies\/batch\/read$/);
    expect(batchReads.length).toBeLessThanOrEqual(10);
    expect(assoc.length).toBe(2); // contact → companies, contact → deals (≤ 1,000 ids each)
    expect(companyReads.length).toBe(1);
    console.info(
      `hydrate 1000 contacts: ${batchReads.length} contact batch reads, ${assoc.length} association reads, ${companyReads.length} company reads`,
    );

    const r7 = records.find((r) => r.id === contacts[7])!;
    expect(r7.properties['company.numberofemployees']).toBe(String(107));
    expect(r7.associations?.companies).toEqual([companies[7], other]);
    expect(records.find((r) => r.id === contacts[0])!.associations?.deals).toEqual([deal]);
    // Exactly the planned properties were asked for.
    expect(Object.keys(r7.properties)).toEqual(
      expect.arrayContaining(['email', 'jobtitle', 'hs_lead_status', 'lastmodifieddate', 'baton_stage']),
    );
    expect(r7.properties).not.toHaveProperty('phone');
  });

  it('reads deals with their contacts and reports unknown ids as deleted', async () => {
    h = harness();
    const contact = h.api.seed('contacts', { email: 'ana@corp.example' });
    const deal = h.api.seed('deals', { dealname: 'Renewal', amount: 1200, dealstage: 'closedwon' });
    h.api.associate('deals', deal, 'contacts', contact);
    const c = h.connector({ limits: FAST });
    const records = await c.read([
      { crm: 'hubspot', object: 'deal', id: deal },
      { crm: 'hubspot', object: 'deal', id: '999999' },
    ]);
    expect(records.find((r) => r.id === deal)).toMatchObject({
      object: 'deal',
      properties: { dealname: 'Renewal', amount: '1200' },
      associations: { contacts: [contact] },
    });
    expect(records.find((r) => r.id === '999999')).toMatchObject({ deleted: true });
  });
});
