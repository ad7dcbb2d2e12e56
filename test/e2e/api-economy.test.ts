/** What the handoff costs in API calls: no echo re-read, one write per hydration, no bare Lead, no needless pre-read. */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { processInboxBatch } from '../../src/pipeline/person/inbox-worker.ts';
import { toWriteOp } from '../../src/pipeline/outbox/outbox-sender.ts';
import { readWriteRow } from '../../src/store/stored.ts';
import { ANA, hubspotContact, makeHarness, mqlPerson, postEvents, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

const contactReads = () =>
  h.hubspot.log.filter((l) => /\/crm\/v3\/objects\/(contacts|0-1)\/batch\/read$/.test(l.path)).length;
const contactUpdates = () =>
  h.hubspot.log.filter((l) => /\/crm\/v3\/objects\/(contacts|0-1)\/batch\/update$/.test(l.path));

describe('API economy of the handoff', () => {
  test('an echoed HubSpot write is never re-read', async () => {
    await mqlPerson(h);
    const echoes = h.hubspot.takeApiEchoes();
    expect(echoes.length).toBeGreaterThan(0);
    const reads = contactReads();
    expect((await h.hubspotWebhook(echoes)).status).toBe(200);
    // acknowledged, and not even stored: every value is one the contact holds (the older write's echo judged with the newer's)
    expect((await h.store.inboxStats(h.clock.now.toISOString())).pending).toBe(0);
    await h.drain();
    expect(contactReads()).toBe(reads);
  });

  test('the echo of a write still in flight (its answer not yet back) is not read either', async () => {
    const { hsId } = await mqlPerson(h);
    h.hubspot.takeApiEchoes();
    await postEvents(h, {
      id: 'evt-more',
      email: 'ana@corp.example',
      type: 'page_view',
      at: h.clock.now.toISOString(),
      properties: { url: '/pricing' },
    });
    await processInboxBatch(h.ctx);
    // the sender's batch call has reached HubSpot, but Baton has not seen its answer
    const [row] = await h.store.outboxClaim('hubspot', 'test', 10, 60_000, h.clock.now.toISOString());
    expect(row?.key).toBe(`hubspot:contact:${hsId}`);
    await h.ctx.connectors.hubspot!.write([toWriteOp(readWriteRow(row))]);
    const echoes = h.hubspot.takeApiEchoes();
    expect(echoes.length).toBeGreaterThan(0);
    const reads = contactReads();
    expect((await h.hubspotWebhook(echoes)).status).toBe(200);
    await processInboxBatch(h.ctx);
    expect(contactReads()).toBe(reads);
  });

  test('the Outbound Message of a Lead Baton created and read back is not read again; a rep’s edit is', async () => {
    const { leadId } = await mqlPerson(h);
    const leadReads = () =>
      h.salesforce.log.filter((l) => /FROM Lead WHERE Id IN/.test(new URLSearchParams(l.query ?? '').get('q') ?? ''))
        .length;
    const deliver = async () => {
      const { xml } = h.salesforce.outboundMessage([h.salesforce.org.get(leadId)!]);
      const res = await fetch(`${h.url}/webhooks/salesforce/outbound`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: xml,
      });
      expect(res.status).toBe(200);
      await h.drain();
    };
    const before = leadReads();
    await deliver();
    expect(leadReads()).toBe(before);
    h.clock.advance(2000);
    const rep = h.salesforce.org.addUser({ Username: 'rep-om@org.example', Name: 'Rep', Email: 'rep@org.example' });
    h.salesforce.org.touch(leadId, { Status: 'Working - Contacted' }, rep);
    await deliver();
    expect(leadReads()).toBe(before + 1);
    expect((await (await h.fetch('/api/people/ana@corp.example')).json()).stage).toBe('sal');
  });

  test('a form submission webhook alone makes an MQL, with one write to the contact', async () => {
    const id = h.hubspot.seed('contacts', { ...ANA, email: 'form@corp.example' });
    const [updates, reads] = [contactUpdates().length, contactReads()];
    const at = h.clock.now.getTime();
    const events = h.hubspot
      .changeAsMarketer(
        'contacts',
        id,
        { recent_conversion_event_name: 'demo-request', recent_conversion_date: at },
        { at },
      )
      .filter((e) => e.propertyName === 'recent_conversion_event_name');
    expect((await h.hubspotWebhook(events)).status).toBe(200);
    await h.drain();
    const person = await (await h.fetch('/api/people/form@corp.example')).json();
    expect(person.stage).toBe('mql');
    expect(h.salesforce.org.rows('Lead').filter((l) => l.Email === 'form@corp.example')).toHaveLength(1);
    // one write carries the MQL (never lead first, then mql) and what the new Lead taught (its
    // default Status as HubSpot's lead status: the write waited for the create), and no read of the stage before it
    expect(contactUpdates().length - updates).toBe(1);
    expect(contactReads() - reads).toBe(1); // the hydration itself
    expect(h.hubspot.data.records.contacts.get(id)!.properties).toMatchObject({
      lifecyclestage: 'marketingqualifiedlead',
      baton_stage: 'mql',
      hs_lead_status: 'NEW',
    });
  });

  test('a known contact moving forward is written without reading its lifecycle stage first', async () => {
    await hubspotContact(h, ANA);
    const reads = contactReads();
    await postEvents(h, {
      id: 'evt-fwd',
      email: 'ana@corp.example',
      type: 'form_submission',
      at: h.clock.now.toISOString(),
      properties: { form: 'demo-request' },
    });
    await h.drain();
    expect(
      h.hubspot.data.records.contacts.get([...h.hubspot.data.records.contacts.keys()][0])!.properties.lifecyclestage,
    ).toBe('marketingqualifiedlead');
    expect(contactReads()).toBe(reads);
  });

  test('an event for an email Baton has never seen gives a Lead with the HubSpot contact’s fields', async () => {
    h.hubspot.seed('contacts', {
      email: 'new@corp.example',
      firstname: 'Nia',
      lastname: 'Novak',
      company: 'Corp',
      jobtitle: 'CTO',
      country: 'US',
    });
    await postEvents(h, {
      id: 'evt-new',
      email: 'new@corp.example',
      type: 'form_submission',
      at: h.clock.now.toISOString(),
      properties: { form: 'demo-request' },
    });
    await h.drain();
    const lead = h.salesforce.org.rows('Lead').find((l) => l.Email === 'new@corp.example');
    expect(lead).toMatchObject({ FirstName: 'Nia', LastName: 'Novak', Company: 'Corp', Title: 'CTO' });
  });
});
