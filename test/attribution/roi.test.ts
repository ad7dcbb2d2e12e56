import { describe, expect, it } from 'vitest';
import { mqlsByTouch, roi } from '../../src/attribution/roi.ts';
import type { Touch } from '../../src/attribution/types.ts';

describe('roi', () => {
  const r = roi({
    revenue: { by_campaign: { Summit: 36000, Webinar: 900, '(none)': 100 }, by_channel: { event: 36000, organic: 50 } },
    pipeline: { by_campaign: { Summit: 50000, Ads: 8000 }, by_channel: { event: 50000 } },
    mqls: { by_campaign: { Summit: 3, Ads: 0 }, by_channel: {} },
    campaignCosts: { Summit: 18000, Ads: 12000, Webinar: 4500 },
    costs: [
      { campaign: 'Webinar', cost: 450 },
      { channel: 'organic', cost: 100 },
    ],
  });

  it('return per dollar is credited revenue divided by cost, campaign by campaign', () => {
    const by = Object.fromEntries(r.by_campaign.map((x) => [x.name, x]));
    expect(by.Summit).toEqual({
      name: 'Summit',
      cost: 18000,
      cost_source: 'salesforce',
      revenue: 36000,
      pipeline: 50000,
      mqls: 3,
      cost_per_mql: 6000,
      return_per_dollar: 2,
    });
    // attribution.costs overrides the Campaign's ActualCost
    expect(by.Webinar).toMatchObject({ cost: 450, cost_source: 'agreement', return_per_dollar: 2 });
    // a campaign with pipeline and a cost but no revenue yet
    expect(by.Ads).toMatchObject({ revenue: 0, pipeline: 8000, return_per_dollar: 0, cost_per_mql: null });
    // no cost known: no ratio
    expect(by['(none)']).toMatchObject({ cost: null, return_per_dollar: null });
    expect(r.by_campaign.map((x) => x.name)).toEqual(['Summit', 'Webinar', '(none)', 'Ads']);
  });

  it('lists channels only where attribution.costs gives a cost', () => {
    expect(r.by_channel).toEqual([
      expect.objectContaining({ name: 'organic', cost: 100, revenue: 50, return_per_dollar: 0.5 }),
    ]);
  });
});

describe('mqlsByTouch', () => {
  const t = (id: string, at: string, campaign: string | null, channel: string | null, personKey: string): Touch => ({
    id,
    at,
    campaign,
    channel,
    personKey,
  });
  it('counts each MQL under the last touch at or before it', () => {
    const touches = new Map([
      [
        'a',
        [
          t('1', '2026-11-01T00:00:00Z', 'Summit', 'event', 'a'),
          t('2', '2026-11-03T00:00:00Z', 'Webinar', 'webinar', 'a'),
          t('3', '2026-11-09T00:00:00Z', 'Ads', 'paid_search', 'a'),
        ],
      ],
      ['b', [t('4', '2026-11-02T00:00:00Z', 'Summit', null, 'b')]],
    ]);
    expect(
      mqlsByTouch(
        [
          { personKey: 'a', at: '2026-11-05T00:00:00Z' },
          { personKey: 'b', at: '2026-11-02T00:00:00Z' },
          { personKey: 'c', at: '2026-11-02T00:00:00Z' },
        ],
        touches,
        '365d',
      ),
    ).toEqual({
      by_campaign: { Webinar: 1, Summit: 1, '(none)': 1 },
      by_channel: { webinar: 1, '(none)': 2 },
    });
  });
});
