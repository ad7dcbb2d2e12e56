/** The data-driven markov model through the store, the CLI, the API and (as the default model) the write-backs. */
import { expect, test } from 'vitest';
import { fitMarkov, splitCents, type Journey } from '../../src/attribution/index.ts';
import { attribution } from '../../src/cli/attribution.ts';
import { attributeDeal } from '../../src/pipeline/attribution/attribution-job.ts';
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

const SUMMIT = 'Autumn Data Summit';
const ADS = 'Pricing Ads';
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/** 40 closed deals: 12 won Summit → Ads, 8 won Ads, 10 lost Summit, 10 lost organic → Ads; and 5 people on no deal. */
const SEEDS: { n: number; stage: 'won' | 'lost'; touches: [string | null, string][] }[] = [
  {
    n: 12,
    stage: 'won',
    touches: [
      [SUMMIT, 'event'],
      [ADS, 'paid'],
    ],
  },
  { n: 8, stage: 'won', touches: [[ADS, 'paid']] },
  { n: 10, stage: 'lost', touches: [[SUMMIT, 'event']] },
  {
    n: 10,
    stage: 'lost',
    touches: [
      [null, 'organic'],
      [ADS, 'paid'],
    ],
  },
];
const SEED_JOURNEYS: Journey[] = SEEDS.flatMap((s) =>
  Array.from({ length: s.n }, () => ({
    states: s.touches.map(([c, ch]) => c ?? `channel:${ch}`),
    converted: s.stage === 'won',
  })),
);

async function seed(opts: { attribute: boolean }): Promise<void> {
  let i = 0;
  for (const s of SEEDS)
    for (let k = 0; k < s.n; k++, i++) {
      const p = await h.store.createPerson({ email: `seed${i}@seed.example` });
      await h.store.insertEvents(
        s.touches.map(([campaign, channel], t) => ({
          id: `seed-${i}-${t}`,
          personId: p.id,
          type: 'page_view',
          at: ago(20 - t),
          properties: {},
          campaign,
          channel,
        })),
      );
      const deal = {
        key: `seed:${i}`,
        hubspotId: null,
        salesforceId: null,
        fields: { stage: s.stage, amount: 1000 + i, close_date: ago(2).slice(0, 10) },
        personIds: [p.id],
        createdAt: ago(15),
        updatedAt: ago(2),
      };
      await h.store.upsertDeal(deal);
      if (opts.attribute && s.stage === 'won') await attributeDeal(h.ctx, deal);
    }
  for (let k = 0; k < 5; k++) {
    const p = await h.store.createPerson({ email: `browser${k}@seed.example` });
    await h.store.insertEvents([
      {
        id: `browse-${k}`,
        personId: p.id,
        type: 'page_view',
        at: ago(5),
        properties: {},
        campaign: ADS,
        channel: 'paid',
      },
    ]);
  }
}

test('markov beside the rule-based models: the journeys it learned from, removal effects, credit to the cent; refusal below the minimum', async () => {
  await seed({ attribute: true });
  const settings = () => h.ctx.config()!.agreementConfig.attribution;
  const res = await h.fetch('/api/attribution?model=markov');
  expect(res.status).toBe(200);
  const api = await res.json();
  const expected = fitMarkov(SEED_JOURNEYS, 30);
  expect(api.markov).toMatchObject({ journeys: 40, converted_journeys: 20, min_journeys: 30, refused: null });
  expect(Object.keys(api.markov.removal_effects)).toEqual(Object.keys(expected.removalEffects));
  for (const [state, re] of Object.entries(expected.removalEffects))
    expect(Math.abs(api.markov.removal_effects[state] - re)).toBeLessThan(1e-12);
  // the same won deals as the rule-based report, every cent credited
  const wShaped = await (await h.fetch('/api/attribution?model=w_shaped')).json();
  expect(api).toMatchObject({ model: 'markov', deals: wShaped.deals, revenue: wShaped.revenue, unattributed: 0 });
  const cents = (o: Record<string, number>) => Object.values(o).reduce((a, v) => a + Math.round(v * 100), 0);
  expect(cents(api.by_campaign)).toBe(Math.round(api.revenue * 100));
  expect(cents(api.by_channel)).toBe(Math.round(api.revenue * 100));
  // a deal that only Ads touched gets its whole amount there; organic only ever led to lost deals
  expect(api.by_channel).not.toHaveProperty('organic');

  const cli = await attribution(h.store, ['--model', 'markov', '--json'], 'w_shaped', settings());
  expect(JSON.parse(cli.text)).toEqual(api);
  const text = (await attribution(h.store, ['--model', 'markov'], 'w_shaped', settings())).text;
  expect(text).toContain('markov learned from 40 journeys (20 converted; minimum 30)');
  expect(text).toMatch(/Pricing Ads\s+\d+\.\d%/);

  // people who never reached a deal, when asked: 5 more journeys that did not convert
  await editAgreement(h, (t) => t.replace(/attribution:\n/, 'attribution:\n  markov: { include_non_deals: true }\n'));
  const more = await (await h.fetch('/api/attribution?model=markov')).json();
  expect(more.markov).toMatchObject({ journeys: 45, converted_journeys: 20, include_non_deals: true });

  // below the minimum it refuses: a reason, every deal unattributed
  await editAgreement(h, (t) => t.replace('include_non_deals: true', 'min_journeys: 100'));
  const refused = await (await h.fetch('/api/attribution?model=markov')).json();
  expect(refused.markov.refused).toBe(
    'learned from 40 journeys; markov needs at least 100 (attribution.markov.min_journeys)',
  );
  expect(refused).toMatchObject({ deals: wShaped.deals, unattributed: wShaped.revenue, by_campaign: {} });
  const refusedText = (await attribution(h.store, ['--model', 'markov'], 'w_shaped', settings())).text;
  expect(refusedText).toMatch(/^markov refuses to credit: learned from 40 journeys/);
});

/** Ana MQL with a Summit and an Ads touch, converted with an Opportunity of 1,000 that is then won. */
async function anaWins(): Promise<{ opportunityId: string; summit: string; ads: string }> {
  const org = h.salesforce.org;
  const summit = org.insert('Campaign', { Name: SUMMIT }).Id;
  const ads = org.insert('Campaign', { Name: ADS }).Id;
  org.insert('CampaignInfluenceModel', {
    DeveloperName: 'baton',
    MasterLabel: 'Baton',
    IsDefaultModel: false,
    IsActive: true,
    IsModelLocked: false,
  });
  const { leadId } = await mqlPerson(h);
  await postEvents(h, [
    {
      id: 'ana-1',
      email: 'ana@corp.example',
      type: 'page_view',
      at: ago(3),
      properties: { campaign: SUMMIT, channel: 'event' },
    },
    {
      id: 'ana-2',
      email: 'ana@corp.example',
      type: 'email_click',
      at: ago(2),
      properties: { campaign: ADS, channel: 'paid' },
    },
  ]);
  await h.drain();
  await nextSecond();
  const { opportunityId } = org.convertLead(leadId, { opportunity: { Amount: 1000 } });
  const at = String(org.get(leadId)!.SystemModstamp).replace('+0000', 'Z');
  expect((await h.salesforceChanges([{ sobject: 'Lead', id: leadId, at }])).status).toBe(200);
  await h.drain();
  await nextSecond();
  await repEdits(h, 'Opportunity', opportunityId!, { StageName: 'Closed Won', IsWon: true, IsClosed: true });
  return { opportunityId: opportunityId!, summit, ads };
}

const summaries = () => [...h.hubspot.data.records.deals.values()].map((d) => d.properties.baton_attribution);

test('default_model markov: the won Opportunity gets CampaignInfluence rows and a HubSpot summary from the removal effects', async () => {
  await editAgreement(h, (t) => t.replace('default_model: w_shaped', 'default_model: markov'));
  await seed({ attribute: false });
  const { opportunityId, summit, ads } = await anaWins();
  // learned when Ana's deal was won: the seeds and her own journey, Summit → Ads, converted
  const fit = fitMarkov([...SEED_JOURNEYS, { states: [SUMMIT, ADS], converted: true }], 30);
  const [summitCents, adsCents] = splitCents(100_000, [fit.removalEffects[SUMMIT], fit.removalEffects[ADS]])!;
  const rows = h.salesforce.org.rows('CampaignInfluence');
  expect(rows).toHaveLength(2);
  for (const r of rows) expect(r.OpportunityId).toBe(opportunityId);
  expect(rows.find((r) => r.CampaignId === summit)!.Influence).toBe((summitCents / 100_000) * 100);
  expect(rows.find((r) => r.CampaignId === ads)!.Influence).toBe((adsCents / 100_000) * 100);
  expect(String(summaries()[0])).toMatch(/^markov: /);
});

test('default_model markov below its minimum: nothing is written, and the report says why', async () => {
  await editAgreement(h, (t) =>
    t.replace('default_model: w_shaped', 'default_model: markov\n  markov: { min_journeys: 1000 }'),
  );
  await seed({ attribute: false });
  await anaWins();
  expect(h.salesforce.org.rows('CampaignInfluence')).toHaveLength(0);
  expect(summaries().filter((s) => s !== undefined && s !== '')).toEqual([]);
  const api = await (await h.fetch('/api/attribution')).json();
  expect(api).toMatchObject({ model: 'markov', deals: 1, revenue: 1000, unattributed: 1000 });
  expect(api.markov.refused).toContain('markov needs at least 1000');
});
