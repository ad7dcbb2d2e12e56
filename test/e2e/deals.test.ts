/** Deals end to end: a won HubSpot deal makes its contact `won`, credits its touches, and writes the summary back. */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { attribution } from '../../src/cli/attribution.ts';
import { makeHarness, mqlPerson, postEvents, type Harness } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

test('a won deal moves its person to won and is attributed under every model', async () => {
  const { hsId } = await mqlPerson(h);
  const earlier = new Date(Date.now() - 3 * 86_400_000).toISOString();
  await postEvents(h, [
    {
      id: 'touch-1',
      email: 'ana@corp.example',
      type: 'page_view',
      at: earlier,
      properties: { url: '/pricing', campaign: 'Pricing Ads', channel: 'paid_search' },
    },
    {
      id: 'touch-2',
      email: 'ana@corp.example',
      type: 'email_click',
      at: new Date(Date.now() - 86_400_000).toISOString(),
      properties: { campaign: 'Autumn Data Summit', channel: 'webinar' },
    },
  ]);
  await h.drain();

  const dealId = h.hubspot.seed('deals', {
    dealname: 'Corp expansion',
    amount: '1200.50',
    dealstage: 'appointmentscheduled',
    closedate: new Date().toISOString().slice(0, 10),
  });
  h.hubspot.associate('deals', dealId, 'contacts', hsId);
  const events = h.hubspot.changeAsMarketer('deals', dealId, { dealstage: 'closedwon' });
  expect((await h.hubspotWebhook(events)).status).toBe(200);
  await h.drain();

  const person = await (await h.fetch('/api/people/ana@corp.example')).json();
  expect(person.stage).toBe('won');
  expect(person.transitions.at(-1)).toMatchObject({ to: 'won', cause: 'crm:deal.stage' });

  const report = await (await h.fetch('/api/attribution?model=linear')).json();
  expect(report).toMatchObject({ model: 'linear', deals: 1, revenue: 1200.5, unattributed: 0 });
  expect(report.by_campaign['Pricing Ads'] + report.by_campaign['Autumn Data Summit']).toBeCloseTo(1200.5, 2);
  const def = await (await h.fetch('/api/attribution')).json();
  expect(def.model).toBe('w_shaped');
  expect(def.revenue).toBe(1200.5);

  const cli = await attribution(
    h.store,
    ['--model', 'linear', '--json'],
    'w_shaped',
    h.ctx.config()?.agreementConfig.attribution,
  );
  expect(JSON.parse(cli.text)).toEqual(report);
  expect((await attribution(h.store, [], 'w_shaped')).text).toContain('Autumn Data Summit');

  expect(String(h.hubspot.data.records.deals.get(dealId)!.properties.baton_attribution)).toMatch(/^w_shaped: /);
});
