/** Conversion, opportunities, merges and polls end to end. */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { dailyReevaluation } from '../../src/pipeline/person/daily.ts';
import { pollOnce } from '../../src/pipeline/inbox/poller.ts';
import { ANA, hubspotContact, makeHarness, mqlPerson, repEdits, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

const personOf = async (key: string) => (await h.fetch(`/api/people/${key}`)).json();

test('a converted Lead becomes its Contact; its Opportunity makes the person an opportunity, then won', async () => {
  const { leadId } = await mqlPerson(h);
  await repEdits(h, 'Lead', leadId, { Status: 'Working - Contacted' });
  // Salesforce stamps whole seconds; the conversion is a later change than the accept.
  await new Promise((r) => setTimeout(r, 1005 - (Date.now() % 1000)));
  const { contactId, opportunityId } = h.salesforce.org.convertLead(leadId, { opportunity: { Amount: 5000 } });
  const at = String(h.salesforce.org.get(leadId)!.SystemModstamp).replace('+0000', 'Z');
  expect((await h.salesforceChanges([{ sobject: 'Lead', id: leadId, at }])).status).toBe(200);
  await h.drain();
  let person = await personOf('ana@corp.example');
  expect(person.ids.salesforce).toBe(contactId);
  expect(person.stage).toBe('opportunity');
  expect(person.transitions.map((t: { to: string }) => t.to)).toEqual(['mql', 'sal', 'sql', 'opportunity']);
  expect(await personOf(`salesforce:${leadId}`)).toMatchObject({ email: 'ana@corp.example' });

  await repEdits(h, 'Opportunity', opportunityId!, { StageName: 'Closed Won', IsWon: true, IsClosed: true });
  person = await personOf(`salesforce:${contactId}`);
  expect(person.stage).toBe('won');
  expect(h.salesforce.org.get(contactId)!.Baton_Stage__c).toBe('won');
  // Contacts have no Company or Status: none was written to the Contact.
  const attributed = await (await h.fetch('/api/attribution?model=first_touch')).json();
  expect(attributed).toMatchObject({ deals: 1, revenue: 5000 });
});

test('a HubSpot merge folds both contacts into one person', async () => {
  const a = await hubspotContact(h, ANA);
  const b = await hubspotContact(h, { ...ANA, email: 'ana.lima@home.example' });
  expect((await h.store.listPeople({ limit: 10 })).length).toBe(2);
  const merge = h.hubspot.mergeContacts(a, b);
  expect((await h.hubspotWebhook(merge)).status).toBe(200);
  await h.drain();
  const people = await h.store.listPeople({ limit: 10 });
  expect(people).toHaveLength(1);
  expect((await personOf(`hubspot:${b}`)).email).toBe('ana@corp.example');
});

test('a poll picks up a change that came without a webhook; a stale poll never overwrites a fresher value', async () => {
  const hsId = await hubspotContact(h, ANA);
  // The first poll starts the cursor at its own time; the next one sees what changed since.
  await pollOnce(h.ctx, 'hubspot', 10_000);
  await new Promise((r) => setTimeout(r, 5));
  h.hubspot.changeAsMarketer('contacts', hsId, { jobtitle: 'Director of Data' });
  await pollOnce(h.ctx, 'hubspot', 10_000);
  await h.drain();
  expect((await personOf('ana@corp.example')).person.title).toBe('Director of Data');

  const stale = {
    crm: 'hubspot' as const,
    object: 'contact' as const,
    id: hsId,
    modifiedAt: new Date(Date.now() - 3_600_000).toISOString(),
    properties: { email: 'ana@corp.example', jobtitle: 'Intern' },
  };
  await h.store.inboxInsert({
    source: 'hubspot',
    dedupKey: 'stale',
    receivedAt: new Date().toISOString(),
    body: { kind: 'records', records: [stale] },
  });
  await h.drain();
  expect((await personOf('ana@corp.example')).person.title).toBe('Director of Data');
  expect(h.hubspot.data.records.contacts.get(hsId)!.properties.jobtitle).toBe('Director of Data');
});

test('the daily re-evaluation runs once a day and writes only what changed', async () => {
  const { hsId } = await mqlPerson(h);
  const writes = () => h.hubspot.calls(/batch\/update/).length;
  const before = writes();
  expect(await dailyReevaluation(h.ctx)).toBe(1);
  await h.drain();
  expect(writes()).toBe(before);
  expect(await dailyReevaluation(h.ctx)).toBe(0);
  h.clock.advance(20 * 86_400_000);
  expect(await dailyReevaluation(h.ctx)).toBe(1);
  await h.drain();
  expect(writes()).toBe(before + 1);
  const decayed = Number(h.hubspot.data.records.contacts.get(hsId)!.properties.baton_engagement_score);
  expect(decayed).toBeLessThan(40);
  expect(decayed).toBe(Math.round(40 * 0.5 ** (20 / 30)));
});
