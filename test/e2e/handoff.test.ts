/** The handoff end to end: HubSpot → Baton → Salesforce Lead + Task, stage and scores back in HubSpot, feedback. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { refreshHubSpotOwners } from '../../src/pipeline/routing/routing-owners.ts';
import {
  ANA,
  hubspotContact as contact,
  makeHarness,
  mqlPerson,
  postEvents,
  repEdits,
  type Harness,
} from './harness.ts';

const hubspotContact = (props: Record<string, unknown>) => contact(h, props);

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

describe('a HubSpot-only person crossing the MQL condition', () => {
  test('becomes a Salesforce Lead with one Task due at the SLA deadline; HubSpot shows stage, scores and reason', async () => {
    const hsId = await hubspotContact(ANA);
    let res = await h.fetch('/api/people/ana@corp.example');
    expect(res.status).toBe(200);
    let person = await res.json();
    expect(person).toMatchObject({
      email: 'ana@corp.example',
      stage: 'lead',
      ids: { hubspot: hsId, salesforce: null },
    });
    expect(h.hubspot.data.records.contacts.get(hsId)!.properties.baton_stage).toBe('lead');
    expect(h.salesforce.org.rows('Lead')).toHaveLength(0);

    const at = h.clock.now.toISOString();
    res = await postEvents(h, {
      id: 'evt-1',
      email: 'ana@corp.example',
      type: 'form_submission',
      at,
      properties: { form: 'demo-request', campaign: 'Q4 Webinar', channel: 'webinar' },
    });
    expect(res.status).toBe(202);
    await h.drain();

    person = await (await h.fetch('/api/people/ana@corp.example')).json();
    expect(person.stage).toBe('mql');
    expect(person.transitions.at(-1)).toMatchObject({
      from: 'lead',
      to: 'mql',
      cause: 'rule:demo-request',
      version: 7,
    });
    expect(person.sla.due).toBeTruthy();

    const leads = h.salesforce.org.rows('Lead');
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      Email: 'ana@corp.example',
      FirstName: 'Ana',
      LastName: 'Lima',
      Company: 'Corp',
      Title: 'VP Operations',
      Country: 'US',
      Baton_Stage__c: 'mql',
    });
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
    await postEvents(h, {
      id: 'evt-1',
      email: 'ana@corp.example',
      type: 'form_submission',
      at,
      properties: { form: 'demo-request' },
    });
    await h.drain();
    expect(h.salesforce.org.rows('Task')).toHaveLength(1);
    expect(h.salesforce.org.rows('Lead')).toHaveLength(1);
    expect({ hs: h.hubspot.log.length, sf: h.salesforce.log.length }).toEqual(before);
  });
});

describe('the owner the org’s assignment rule chose', () => {
  test('is known by name for templates and becomes the HubSpot owner with the same email, without routing', async () => {
    h.hubspot.marketing.owners.push({
      id: '91',
      email: 'Rule.Owner@org.example',
      firstName: 'Rule',
      lastName: 'Owner',
      userId: 9,
    });
    await refreshHubSpotOwners(h.ctx);
    const file = join(h.configDir, 'fields.yaml');
    await writeFile(
      file,
      (await readFile(file, 'utf8'))
        .replace('baton_reason: "{{reason}}"', 'baton_reason: "{{reason}} (owner {{owner.name}})"')
        .replace(/^( {4}lifecyclestage: true.*)$/m, '$1\n    owner: true'),
    );
    expect((await h.config.reload()).ok).toBe(true);
    const { hsId } = await mqlPerson(h);
    const props = h.hubspot.data.records.contacts.get(hsId)!.properties;
    expect(props.hubspot_owner_id).toBe('91');
    expect(props.baton_reason).toBe('mql: rule:demo-request (owner Rule Owner)');
  });
});

describe('feedback from Salesforce', () => {
  test('a rep accepting (Status Working) moves the person to sal and stops the SLA clock', async () => {
    const { leadId } = await mqlPerson(h);
    await repEdits(h, 'Lead', leadId, { Status: 'Working - Contacted' });
    const person = await (await h.fetch('/api/people/ana@corp.example')).json();
    expect(person.stage).toBe('sal');
    expect(person.transitions.at(-1)).toMatchObject({ from: 'mql', to: 'sal', cause: 'feedback' });
    expect(person.sla.answered).toBeTruthy();
  });

  test('a rep rejecting with a reason recycles the person; the reason reaches HubSpot; no new MQL during the hold', async () => {
    const { hsId, leadId } = await mqlPerson(h);
    await repEdits(h, 'Lead', leadId, { Status: 'Closed - Not Converted', Baton_Reject_Reason__c: 'bad_timing' });
    let person = await (await h.fetch('/api/people/ana@corp.example')).json();
    expect(person.stage).toBe('recycled');
    expect(person.transitions.at(-1)).toMatchObject({ to: 'recycled', cause: 'feedback', reason: 'bad_timing' });
    const contact = h.hubspot.data.records.contacts.get(hsId)!.properties;
    expect(contact.baton_reject_reason).toBe('bad_timing');
    expect(contact.baton_stage).toBe('recycled');
    expect(contact.lifecyclestage).toBe('lead');
    expect(contact.hs_lead_status).toBe('UNQUALIFIED');

    h.clock.advance(3_600_000);
    await postEvents(h, {
      id: 'evt-again',
      email: 'ana@corp.example',
      type: 'form_submission',
      at: h.clock.now.toISOString(),
      properties: { form: 'demo-request' },
    });
    await h.drain();
    person = await (await h.fetch('/api/people/ana@corp.example')).json();
    expect(person.stage).toBe('recycled');
    expect(h.salesforce.org.rows('Task')).toHaveLength(1);
  });

  test('the feedback API accepts and rejects, and refuses a reason outside recycle.reasons', async () => {
    await mqlPerson(h);
    let res = await h.fetch('/api/people/ana@corp.example/feedback', {
      method: 'POST',
      body: JSON.stringify({ decision: 'reject', reason: 'too_expensive' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'bad_input', field: 'reason' });
    res = await h.fetch('/api/people/ana@corp.example/feedback', {
      method: 'POST',
      body: JSON.stringify({ decision: 'reject', reason: 'no_budget' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ stage: 'recycled' });
    res = await h.fetch('/api/people/ana@corp.example/feedback', {
      method: 'POST',
      body: JSON.stringify({ decision: 'accept' }),
    });
    expect(await res.json()).toMatchObject({ stage: 'sal' });
    res = await h.fetch('/api/people/nobody@corp.example/feedback', {
      method: 'POST',
      body: JSON.stringify({ decision: 'accept' }),
    });
    expect(res.status).toBe(404);
  });

  test('the feedback API takes a reject without a reason, as Salesforce does', async () => {
    const { hsId } = await mqlPerson(h);
    const res = await h.fetch('/api/people/ana@corp.example/feedback', {
      method: 'POST',
      body: JSON.stringify({ decision: 'reject' }),
    });
    expect(res.status).toBe(200);
    const person = await res.json();
    expect(person.stage).toBe('recycled');
    expect(person.transitions.at(-1)).toMatchObject({ to: 'recycled', cause: 'feedback' });
    expect(person.transitions.at(-1).reason ?? null).toBeNull();
    await h.drain();
    expect(h.hubspot.data.records.contacts.get(hsId)!.properties.baton_stage).toBe('recycled');
  });
});

describe('two-way field sync', () => {
  test("a rep's new Title reaches HubSpot; a marketer's new country reaches Salesforce", async () => {
    const { hsId, leadId } = await mqlPerson(h);
    await repEdits(h, 'Lead', leadId, { Title: 'Chief Revenue Officer' });
    expect(h.hubspot.data.records.contacts.get(hsId)!.properties.jobtitle).toBe('Chief Revenue Officer');

    h.clock.advance(60_000);
    const events = h.hubspot.changeAsMarketer('contacts', hsId, { country: 'CA' });
    expect((await h.hubspotWebhook(events)).status).toBe(200);
    await h.drain();
    expect(h.salesforce.org.get(leadId)!.Country).toBe('CA');
  });
});

describe('idempotence and the loop guard', () => {
  test('the same webhook delivered three times gives exactly one Lead and one Task', async () => {
    const hsId = h.hubspot.seed('contacts', ANA);
    const events = h.hubspot.changeAsMarketer('contacts', hsId, { country: 'US' });
    for (let i = 0; i < 3; i++) expect((await h.hubspotWebhook(events)).status).toBe(200);
    const demo = {
      id: 'evt-dup',
      email: 'ana@corp.example',
      type: 'form_submission',
      at: h.clock.now.toISOString(),
      properties: { form: 'demo-request' },
    };
    for (let i = 0; i < 3; i++) expect((await postEvents(h, demo)).status).toBe(202);
    await h.drain();
    for (let i = 0; i < 3; i++) await h.hubspotWebhook(events);
    await h.drain();
    expect(h.salesforce.org.rows('Lead')).toHaveLength(1);
    expect(h.salesforce.org.rows('Task')).toHaveLength(1);
  });

  test("Baton's own writes echoed back by HubSpot and Salesforce cause no further writes", async () => {
    const { leadId } = await mqlPerson(h);
    const writes = () => ({
      hs: h.hubspot.log.filter((l) => l.method !== 'GET' && !/search|read/.test(l.path)).length,
      sf: h.salesforce.log.filter((l) => l.method !== 'GET' && !/query/.test(l.path)).length,
    });
    const before = writes();
    const echoes = h.hubspot.takeApiEchoes();
    expect(echoes.length).toBeGreaterThan(0);
    expect((await h.hubspotWebhook(echoes)).status).toBe(200);
    expect((await h.salesforceChanges([{ sobject: 'Lead', id: leadId }])).status).toBe(200);
    await h.drain();
    const after = writes();
    expect(after).toEqual(before);
    const person = await (await h.fetch('/api/people/ana@corp.example')).json();
    expect(person.stage).toBe('mql');
  });
});
