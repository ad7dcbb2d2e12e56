/** The handoff end to end: HubSpot → Baton → Salesforce Lead + Task, stage and scores back in HubSpot, feedback. */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { makeHarness, postEvents, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

/** A HubSpot contact that a marketer just created/edited, delivered by webhook and processed. */
async function hubspotContact(props: Record<string, unknown>): Promise<string> {
  const id = h.hubspot.seed('contacts', props);
  const events = h.hubspot.changeAsMarketer('contacts', id, { hs_lead_status: 'NEW' });
  expect((await h.hubspotWebhook(events)).status).toBe(200);
  await h.drain();
  return id;
}

const ANA = { email: 'Ana@Corp.example', firstname: 'Ana', lastname: 'Lima', company: 'Corp', jobtitle: 'VP Operations', country: 'US' };

describe('a HubSpot-only person crossing the MQL condition', () => {
  test('becomes a Salesforce Lead with one Task due at the SLA deadline; HubSpot shows stage, scores and reason', async () => {
    const hsId = await hubspotContact(ANA);
    let res = await h.fetch('/api/people/ana@corp.example');
    expect(res.status).toBe(200);
    let person = await res.json();
    expect(person).toMatchObject({ email: 'ana@corp.example', stage: 'lead', ids: { hubspot: hsId, salesforce: null } });
    expect(h.hubspot.data.records.contacts.get(hsId)!.properties.baton_stage).toBe('lead');
    expect(h.salesforce.org.rows('Lead')).toHaveLength(0);

    const at = h.clock.now.toISOString();
    res = await postEvents(h, { id: 'evt-1', email: 'ana@corp.example', type: 'form_submission', at, properties: { form: 'demo-request', campaign: 'Q4 Webinar', channel: 'webinar' } });
    expect(res.status).toBe(202);
    await h.drain();

    person = await (await h.fetch('/api/people/ana@corp.example')).json();
    expect(person.stage).toBe('mql');
    expect(person.transitions.at(-1)).toMatchObject({ from: 'lead', to: 'mql', cause: 'rule:demo-request', version: 7 });
    expect(person.sla.due).toBeTruthy();

    const leads = h.salesforce.org.rows('Lead');
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ Email: 'ana@corp.example', FirstName: 'Ana', LastName: 'Lima', Company: 'Corp', Title: 'VP Operations', Country: 'US', Baton_Stage__c: 'mql' });
    expect(person.ids.salesforce).toBe(leads[0].Id);

    const tasks = h.salesforce.org.rows('Task');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ WhoId: leads[0].Id, OwnerId: leads[0].OwnerId });
    expect(String(tasks[0].Subject)).toContain('New MQL: Ana Lima (Corp)');
    const dueDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date(person.sla.due));
    expect(String(tasks[0].ActivityDate).slice(0, 10)).toBe(dueDate);

    const contact = h.hubspot.data.records.contacts.get(hsId)!.properties;
    expect(contact.baton_stage).toBe('mql');
    expect(contact.lifecyclestage).toBe('marketingqualifiedlead');
    expect(contact.baton_fit_score).toBe(String(Math.round(person.scores.fit)));
    expect(contact.baton_engagement_score).toBe(String(Math.round(person.scores.engagement)));
    expect(contact.baton_reason).toBe('mql: rule:demo-request');

    // Re-evaluating changes nothing: no second Lead or Task, no writes.
    const before = { hs: h.hubspot.log.length, sf: h.salesforce.log.length };
    await h.runtime.drain();
    await postEvents(h, { id: 'evt-1', email: 'ana@corp.example', type: 'form_submission', at, properties: { form: 'demo-request' } });
    await h.drain();
    expect(h.salesforce.org.rows('Task')).toHaveLength(1);
    expect(h.salesforce.org.rows('Lead')).toHaveLength(1);
    expect({ hs: h.hubspot.log.length, sf: h.salesforce.log.length }).toEqual(before);
  });
});
