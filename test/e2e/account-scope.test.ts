/**
 * Account scope through the sandboxes: a won Opportunity whose Account has a touched Contact
 * without a contact role is credited under `scope=account`, unattributed under `contact_roles`.
 */
import { expect, test } from 'vitest';
import { recomputeOnSettingsChange } from '../../src/pipeline/attribution/recompute.ts';
import { attribution } from '../../src/cli/attribution.ts';
import {
  editAgreement,
  DAY,
  modstamp,
  mqlPerson,
  nextSecond,
  postEvents,
  repEdits,
  useHarness,
  type Harness,
} from './harness.ts';

let h: Harness;
useHarness((made) => (h = made));

test('a touched person on the Account without a contact role counts only under account', async () => {
  const org = h.salesforce.org;
  const { leadId } = await mqlPerson(h);
  await nextSecond();
  const { accountId, opportunityId } = org.convertLead(leadId, { opportunity: { Amount: 24000 } });
  expect((await h.salesforceChanges([{ sobject: 'Lead', id: leadId, at: modstamp(org.get(leadId)!) }])).status).toBe(
    200,
  );
  await h.drain();

  // Bo, a colleague on the same Account: a Contact with no role on the Opportunity, touched by a campaign
  const bo = org.insert('Contact', { LastName: 'Bo', Email: 'bo@corp.example', AccountId: accountId });
  expect((await h.salesforceChanges([{ sobject: 'Contact', id: bo.Id, at: modstamp(bo) }])).status).toBe(200);
  await h.drain();
  await postEvents(h, {
    id: 'bo-touch',
    email: 'bo@corp.example',
    type: 'page_view',
    at: new Date(Date.now() - 2 * DAY).toISOString(),
    properties: { campaign: 'Autumn Data Summit', channel: 'event' },
  });
  await h.drain();
  const boPerson = await h.store.findPersonByEmail('bo@corp.example');
  expect(boPerson).not.toBeNull();
  expect(await h.store.peopleOnAccounts([{ crm: 'salesforce', id: accountId }])).toContain(boPerson!.id);
  const dealKey = `salesforce:${opportunityId!}`;
  expect((await h.store.getDeal(dealKey))!.personIds).not.toContain(boPerson!.id);

  await nextSecond();
  await repEdits(h, 'Opportunity', opportunityId!, { StageName: 'Closed Won', IsWon: true, IsClosed: true });

  const roles = await (await h.fetch('/api/attribution?model=linear')).json();
  expect(roles).toMatchObject({ report: 'revenue', scope: 'contact_roles', deals: 1, revenue: 24000 });
  expect(roles.by_campaign['Autumn Data Summit']).toBeUndefined();
  expect(roles.unattributed).toBe(24000);
  const account = await (await h.fetch('/api/attribution?model=linear&scope=account')).json();
  expect(account).toMatchObject({ scope: 'account', deals: 1, revenue: 24000 });
  expect(account.by_campaign).toEqual({ 'Autumn Data Summit': 24000 });
  expect(account.unattributed).toBe(0);

  // pipeline credit at creation: Bo's touch (two days before the Opportunity) sourced it, under account only
  const pipeline = await (await h.fetch('/api/attribution?report=pipeline&scope=account')).json();
  expect(pipeline).toMatchObject({ report: 'pipeline', deals: 1, pipeline: 24000, unattributed: 0 });
  expect(pipeline.sourced.by_campaign).toEqual({ 'Autumn Data Summit': 24000 });
  expect(pipeline.influenced.by_channel).toEqual({ event: 24000 });
  const rolesPipeline = await (await h.fetch('/api/attribution?report=pipeline')).json();
  expect(rolesPipeline).toMatchObject({ deals: 1, pipeline: 24000, unattributed: 24000 });
  expect(rolesPipeline.sourced.by_campaign).toEqual({});

  // bad values name the allowed ones: 400 bad_input, and the CLI refuses
  const bad = await h.fetch('/api/attribution?scope=buying_group');
  expect(bad.status).toBe(400);
  expect(await bad.json()).toMatchObject({
    error: 'bad_input',
    field: 'scope',
    message: expect.stringContaining('allowed: contact_roles, account'),
  });
  const badReport = await h.fetch('/api/attribution?report=forecast');
  expect(badReport.status).toBe(400);
  expect(await badReport.json()).toMatchObject({
    field: 'report',
    message: expect.stringContaining('revenue, pipeline'),
  });
  await expect(attribution(h.store, ['--report', 'forecast'], 'w_shaped')).rejects.toThrow(
    /--report: 'forecast' is not allowed; allowed: revenue, pipeline/,
  );
  const cli = await attribution(
    h.store,
    ['--model', 'linear', '--scope', 'account', '--json'],
    'w_shaped',
    h.ctx.config()?.agreementConfig.attribution,
  );
  expect(JSON.parse(cli.text)).toEqual(account);

  // the agreement moves to scope: account — the won deal is recomputed, and a late touch of Bo's recomputes it again
  await editAgreement(h, (text) => text.replace('scope: contact_roles', 'scope: account'));
  expect(await recomputeOnSettingsChange(h.ctx)).toBe(1);
  const campaigns = async () =>
    (await h.store.attributionFor('linear', null, null))
      .find((r) => r.dealKey === dealKey)!
      .shares.map((x) => x.campaign);
  expect(await campaigns()).toEqual(['Autumn Data Summit']);
  expect(await (await h.fetch('/api/attribution?model=linear')).json()).toMatchObject({
    scope: 'account',
    unattributed: 0,
  });
  await postEvents(h, {
    id: 'bo-late-touch',
    email: 'bo@corp.example',
    type: 'page_view',
    at: new Date(Date.now() - DAY).toISOString(),
    properties: { campaign: 'Pricing Ads', channel: 'paid_search' },
  });
  await h.drain();
  expect(await campaigns()).toEqual(['Autumn Data Summit', 'Pricing Ads']);
});
