/**
 * ROI on the demo's data: the demo's campaigns in the Salesforce sandbox with their ActualCost, the
 * shipped agreement's `attribution.costs`, won deals touched by those campaigns. Return per dollar
 * is credited revenue ÷ cost, campaign by campaign, under every model.
 */
import { expect, test } from 'vitest';
import { CAMPAIGNS } from '../../sandbox/demo/sample.ts';
import type { CreditReport } from '../../src/pipeline/attribution/credit-report.ts';
import { DAY, modstamp, mqlPerson, nextSecond, postEvents, repEdits, useHarness, type Harness } from './harness.ts';

let h: Harness;
useHarness((made) => (h = made));

/** A person made MQL, touched by `campaigns` (the demo's), converted with an Opportunity of `amount` and won. */
async function wonDeal(email: string, campaigns: string[], amount: number) {
  const org = h.salesforce.org;
  const { leadId } = await mqlPerson(
    h,
    { email, firstname: 'P', lastname: email, company: 'Corp', country: 'US' },
    `demo-${email}`,
  );
  await postEvents(
    h,
    campaigns.map((name, i) => {
      const c = CAMPAIGNS.find((x) => x.name === name)!;
      return {
        id: `${email}-${i}`,
        email,
        type: 'page_view',
        at: new Date(Date.now() - (5 - i) * DAY).toISOString(),
        properties: { campaign: c.name, channel: c.channel },
      };
    }),
  );
  await h.drain();
  await nextSecond();
  const { opportunityId } = org.convertLead(leadId, { opportunity: { Amount: amount } });
  expect((await h.salesforceChanges([{ sobject: 'Lead', id: leadId, at: modstamp(org.get(leadId)!) }])).status).toBe(
    200,
  );
  await h.drain();
  await nextSecond();
  await repEdits(h, 'Opportunity', opportunityId!, { StageName: 'Closed Won', IsWon: true, IsClosed: true });
}

test('return per dollar is credited revenue / cost, campaign by campaign, with costs from Campaign.ActualCost and attribution.costs', async () => {
  // the demo's Campaigns, as `baton demo` seeds them (sandbox/demo/servers.ts)
  for (const c of CAMPAIGNS)
    h.salesforce.org.insert('Campaign', {
      Name: c.name,
      Type: c.channel,
      ...(c.actualCost !== undefined ? { ActualCost: c.actualCost } : {}),
    });
  await wonDeal('ana@corp.example', ['Autumn Data Summit', 'Pricing Ads', 'Handoff Guide'], 36000);
  await wonDeal('bo@corp.example', ['Q4 Webinar: Revenue Ops', 'Autumn Data Summit'], 12000.5);

  for (const model of ['first_touch', 'linear', 'w_shaped', 'time_decay']) {
    const a = (await (await h.fetch(`/api/attribution?model=${model}`)).json()) as CreditReport;
    expect(a).toMatchObject({ report: 'revenue', model, deals: 2, revenue: 48000.5 });
    const rows = new Map(a.roi.by_campaign.map((r) => [r.name, r]));
    for (const c of CAMPAIGNS) {
      const row = rows.get(c.name);
      // Handoff Guide has no ActualCost: the shipped agreement's attribution.costs gives it
      const cost = c.name === 'Handoff Guide' ? 2500 : c.actualCost!;
      expect(row, `${model} ${c.name}`).toMatchObject({
        cost,
        cost_source: c.name === 'Handoff Guide' ? 'agreement' : 'salesforce',
        revenue: a.by_campaign[c.name] ?? 0,
      });
      expect(row!.return_per_dollar, `${model} ${c.name}`).toBe((a.by_campaign[c.name] ?? 0) / cost);
    }
    // the campaigns' credit is not all zero: the check compares real figures
    expect(a.roi.by_campaign.reduce((s, r) => s + r.revenue, 0)).toBeCloseTo(48000.5, 2);
    // the channel without a Campaign carries its agreement cost
    expect(a.roi.by_channel).toEqual([expect.objectContaining({ name: 'organic_search', cost: 1500 })]);
  }
  // pipeline credited at creation sits beside it, from the pipeline report of the same model
  const p = (await (await h.fetch('/api/attribution?model=linear&report=pipeline')).json()) as CreditReport;
  if (p.report !== 'pipeline') throw new Error('expected the pipeline report');
  expect(p.pipeline).toBe(48000.5);
  for (const r of p.roi.by_campaign) expect(r.pipeline, r.name).toBe(p.by_campaign[r.name] ?? 0);
  // each MQL counts under the last touch before it: Ana's Handoff Guide, Bo's Autumn Data Summit
  const by = new Map(p.roi.by_campaign.map((r) => [r.name, r]));
  expect(by.get('Handoff Guide')).toMatchObject({ mqls: 1, cost_per_mql: 2500 });
  expect(by.get('Autumn Data Summit')).toMatchObject({ mqls: 1, cost_per_mql: 18000 });
  expect(by.get('Pricing Ads')).toMatchObject({ mqls: 0, cost_per_mql: null });
});
