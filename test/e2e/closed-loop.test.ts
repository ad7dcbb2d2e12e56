/** The closed loop: a won Opportunity's credits go back to Salesforce (CampaignInfluence) and HubSpot (deal summary). */
import { expect, test } from 'vitest';
import { attribution } from '../../src/cli/attribution.ts';
import { recomputeOnSettingsChange, requestRecompute } from '../../src/pipeline/attribution/recompute.ts';
import {
  editAgreement,
  DAY,
  mqlPerson,
  nextSecond,
  postEvents,
  repEdits,
  useHarness,
  type Harness,
} from './harness.ts';

let h: Harness;
useHarness((made) => (h = made));

/** Ana MQL, converted with an Opportunity of 1,000; touches from events and a CampaignMember response. */
async function anaWithTouches() {
  const org = h.salesforce.org;
  const summit = org.insert('Campaign', { Name: 'Autumn Data Summit' }).Id;
  const webinar = org.insert('Campaign', { Name: 'Ops Webinar' }).Id;
  const custom = org.insert('CampaignInfluenceModel', {
    DeveloperName: 'baton',
    MasterLabel: 'Baton',
    IsDefaultModel: false,
    IsActive: true,
    IsModelLocked: false,
  }).Id;
  const { hsId, leadId } = await mqlPerson(h);
  await postEvents(h, [
    {
      id: 'touch-1',
      email: 'ana@corp.example',
      type: 'page_view',
      at: new Date(Date.now() - 3 * DAY).toISOString(),
      properties: { campaign: 'Autumn Data Summit', channel: 'event' },
    },
    {
      id: 'touch-2',
      email: 'ana@corp.example',
      type: 'email_click',
      at: new Date(Date.now() - 2 * DAY).toISOString(),
      properties: { campaign: 'Nobody Knows', channel: 'email' },
    },
  ]);
  await h.drain();
  await nextSecond();
  const { contactId, opportunityId } = org.convertLead(leadId, { opportunity: { Amount: 1000 } });
  const at = String(org.get(leadId)!.SystemModstamp).replace('+0000', 'Z');
  expect((await h.salesforceChanges([{ sobject: 'Lead', id: leadId, at }])).status).toBe(200);
  await h.drain();
  const member = org.insert('CampaignMember', {
    CampaignId: webinar,
    ContactId: contactId,
    Status: 'Responded',
    HasResponded: true,
    FirstRespondedDate: new Date(Date.now() - DAY).toISOString().slice(0, 10),
  });
  expect(
    (
      await h.salesforceChanges([
        { sobject: 'CampaignMember', id: member.Id, at: String(member.SystemModstamp).replace('+0000', 'Z') },
      ])
    ).status,
  ).toBe(200);
  await h.drain();
  return { hsId, contactId, opportunityId: opportunityId!, summit, webinar, custom };
}

const influence = () => h.salesforce.org.rows('CampaignInfluence');
const hubspotDeals = () => [...h.hubspot.data.records.deals.values()];

test('a won Opportunity gets CampaignInfluence rows in the unlocked model; an amount change replaces them', async () => {
  const { hsId, contactId, opportunityId, summit, webinar, custom } = await anaWithTouches();
  // create_in_hubspot (the shipped mappings): the Opportunity became one HubSpot deal on Ana's contact
  expect(hubspotDeals()).toHaveLength(1);
  const deal = hubspotDeals()[0];
  expect(deal.properties).toMatchObject({ dealname: 'Corp-', amount: '1000', dealstage: 'appointmentscheduled' });
  expect(h.hubspot.data.associations('deals', deal.id, 'contacts').map((a) => a.toId)).toEqual([hsId]);
  expect((await h.store.getDeal(`salesforce:${opportunityId}`))!.hubspotId).toBe(deal.id);

  await nextSecond();
  await repEdits(h, 'Opportunity', opportunityId, { StageName: 'Closed Won', IsWon: true, IsClosed: true });

  const stored = (await h.store.attributionFor('w_shaped', null, null)).find(
    (r) => r.dealKey === `salesforce:${opportunityId}`,
  );
  expect(stored).toBeDefined();
  const centsOf = (campaign: string) =>
    stored!.shares.filter((s) => s.campaign === campaign).reduce((a, s) => a + s.cents, 0);
  let rows = influence();
  expect(rows).toHaveLength(2);
  for (const r of rows)
    expect(r).toMatchObject({ OpportunityId: opportunityId, ContactId: contactId, ModelId: custom });
  const bySummit = rows.find((r) => r.CampaignId === summit)!;
  const byWebinar = rows.find((r) => r.CampaignId === webinar)!;
  expect(bySummit.Influence).toBe((centsOf('Autumn Data Summit') / 100_000) * 100);
  // the CampaignMember touch is credited under its Campaign's name (read once by id)
  expect(centsOf('Ops Webinar')).toBeGreaterThan(0);
  expect(centsOf(webinar)).toBe(0);
  expect(byWebinar.Influence).toBe((centsOf('Ops Webinar') / 100_000) * 100);

  expect(String(h.hubspot.data.records.deals.get(deal.id)!.properties.baton_attribution)).toMatch(/^w_shaped: /);
  // the HubSpot deal follows the Opportunity (stage: salesforce_wins)
  expect(h.hubspot.data.records.deals.get(deal.id)!.properties.dealstage).toBe('closedwon');
  const api = await (await h.fetch('/api/attribution')).json();
  expect(api).toMatchObject({ model: 'w_shaped', deals: 1, revenue: 1000 });
  expect(api.by_campaign['Autumn Data Summit']).toBeCloseTo(centsOf('Autumn Data Summit') / 100, 2);
  const cli = await attribution(h.store, ['--json'], 'w_shaped', h.ctx.config()?.agreementConfig.attribution);
  expect(JSON.parse(cli.text)).toEqual(api);

  // Salesforce stamps whole seconds: the amount change is a later change than the win
  await nextSecond();
  await repEdits(h, 'Opportunity', opportunityId, { Amount: 4000 });
  rows = influence();
  expect(rows).toHaveLength(2);
  const after = (await h.store.attributionFor('w_shaped', null, null)).find(
    (r) => r.dealKey === `salesforce:${opportunityId}`,
  )!;
  expect(after.amountCents).toBe(400_000);
  const summitCents = after.shares.filter((s) => s.campaign === 'Autumn Data Summit').reduce((a, s) => a + s.cents, 0);
  expect(rows.find((r) => r.CampaignId === summit)!.Influence).toBe((summitCents / 400_000) * 100);
  expect(await (await h.fetch('/api/attribution')).json()).toMatchObject({ deals: 1, revenue: 4000 });
  // still one HubSpot deal, with the new amount and its summary from it
  expect(hubspotDeals()).toHaveLength(1);
  expect(h.hubspot.data.records.deals.get(deal.id)!.properties).toMatchObject({
    amount: '4000',
    dealstage: 'closedwon',
  });
  expect(String(h.hubspot.data.records.deals.get(deal.id)!.properties.baton_attribution)).toMatch(/^w_shaped: /);
  // and an Opportunity change that leaves the mapped fields as they are writes nothing to the deal
  const dealWrites = () => h.hubspot.calls(/objects\/deals\/batch\/update/).length;
  const writes = dealWrites();
  await nextSecond();
  await repEdits(h, 'Opportunity', opportunityId, { Description: 'call next week' });
  expect(dealWrites()).toBe(writes);
});

test('create_in_hubspot: an Opportunity already won becomes one HubSpot deal with its summary; its HubSpot changes fold into the same deal', async () => {
  const org = h.salesforce.org;
  org.insert('Campaign', { Name: 'Autumn Data Summit' });
  org.insert('CampaignInfluenceModel', {
    DeveloperName: 'baton',
    MasterLabel: 'Baton',
    IsDefaultModel: false,
    IsActive: true,
    IsModelLocked: false,
  });
  const { hsId, leadId } = await mqlPerson(h);
  await postEvents(h, {
    id: 'touch-1',
    email: 'ana@corp.example',
    type: 'page_view',
    at: new Date(Date.now() - DAY).toISOString(),
    properties: { campaign: 'Autumn Data Summit', channel: 'event' },
  });
  await h.drain();
  await nextSecond();
  org.convertLead(leadId, { opportunity: { Amount: 2500, StageName: 'Closed Won', IsWon: true, IsClosed: true } });
  const at = String(org.get(leadId)!.SystemModstamp).replace('+0000', 'Z');
  expect((await h.salesforceChanges([{ sobject: 'Lead', id: leadId, at }])).status).toBe(200);
  await h.drain();
  await h.drain();

  expect(hubspotDeals()).toHaveLength(1);
  const deal = hubspotDeals()[0];
  expect(deal.properties).toMatchObject({ dealstage: 'closedwon', amount: '2500' });
  expect(h.hubspot.data.associations('deals', deal.id, 'contacts').map((a) => a.toId)).toEqual([hsId]);
  expect(String(deal.properties.baton_attribution)).toBe('w_shaped: Autumn Data Summit 100.00%');
  expect(org.rows('CampaignInfluence')).toHaveLength(1);
  expect(org.rows('CampaignInfluence')[0].Influence).toBe(100);

  // A marketer renames the deal in HubSpot: the webhook folds into the Opportunity's deal, not a second deal.
  expect(
    (await h.hubspotWebhook(h.hubspot.changeAsMarketer('deals', deal.id, { dealname: 'Corp platform' }))).status,
  ).toBe(200);
  await h.drain();
  expect(await h.store.getDeal(`hubspot:${deal.id}`)).toBeNull();
  expect(await (await h.fetch('/api/attribution')).json()).toMatchObject({ deals: 1, revenue: 2500 });
  // the name is the Opportunity's (salesforce_wins): the HubSpot rename is set back
  const opportunityName = org.rows('Opportunity')[0].Name;
  expect(h.hubspot.data.records.deals.get(deal.id)!.properties.dealname).toBe(opportunityName);
  expect(hubspotDeals()).toHaveLength(1);
  expect(h.hubspot.calls(/objects\/deals\/batch\/create/).length).toBe(1);
});

test('credit follows the facts: a late touch, a new attribution section and --recompute replace the results; unknown models are refused', async () => {
  const { opportunityId, summit } = await anaWithTouches();
  await nextSecond();
  await repEdits(h, 'Opportunity', opportunityId, { StageName: 'Closed Won', IsWon: true, IsClosed: true });
  const before = influence().map((r) => ({ ...r }));
  expect(before).toHaveLength(2);
  const summitBefore = Number(before.find((r) => r.CampaignId === summit)!.Influence);

  // a touch inside the window arriving after the win: same rows, new values, nothing duplicated
  await postEvents(h, [
    {
      id: 'late-1',
      email: 'ana@corp.example',
      type: 'page_view',
      at: new Date(Date.now() - 1.5 * DAY).toISOString(),
      properties: { campaign: 'Autumn Data Summit', channel: 'event' },
    },
  ]);
  await h.drain();
  const stored = (await h.store.attributionFor('w_shaped', null, null)).filter(
    (r) => r.dealKey === `salesforce:${opportunityId}`,
  );
  expect(stored).toHaveLength(1);
  expect(stored[0].shares.map((s) => s.eventId).join(' ')).toContain('late-1');
  const after = influence();
  expect(after).toHaveLength(2);
  expect(Number(after.find((r) => r.CampaignId === summit)!.Influence)).toBeGreaterThan(summitBefore);

  // custom is not defined yet: a 4xx / an error naming the defined models, never "0 deals"
  const refused = await h.fetch('/api/attribution?model=custom');
  expect(refused.status).toBe(400);
  expect(await refused.json()).toMatchObject({
    error: 'bad_input',
    field: 'model',
    message: expect.stringContaining('defined: first_touch, last_touch'),
  });
  await expect(attribution(h.store, ['--model', 'nope'], 'w_shaped')).rejects.toThrow(
    /'nope' is not a model the agreement defines; defined: first_touch/,
  );

  // a new attribution section goes live: every won deal is recomputed, custom now reports the deal
  expect(await recomputeOnSettingsChange(h.ctx)).toBe(1);
  await editAgreement(h, (text) =>
    text.replace(/attribution:\n/, 'attribution:\n  custom: { ft: 1, lc: 0, oc: 0, cw: 0, rest: 0 }\n'),
  );
  expect(await h.store.attributionFor('custom', null, null)).toHaveLength(0);
  expect(await recomputeOnSettingsChange(h.ctx)).toBe(1);
  expect(await recomputeOnSettingsChange(h.ctx)).toBe(0);
  const api = await (await h.fetch('/api/attribution?model=custom')).json();
  expect(api).toMatchObject({ model: 'custom', deals: 1, revenue: 1000 });
  expect(influence()).toHaveLength(2);

  // --recompute: the next check recomputes again, replacing (never adding) the rows
  await requestRecompute(h.store);
  expect(await recomputeOnSettingsChange(h.ctx)).toBe(1);
  expect(influence()).toHaveLength(2);
  expect(await h.store.attributionFor('custom', null, null)).toHaveLength(1);
});
