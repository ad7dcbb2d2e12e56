import { describe, expect, it } from 'vitest';
import { attribute } from '../../src/attribution/attribute.ts';
import { influenceRows } from '../../src/attribution/influence.ts';
import { summarize, summaryText } from '../../src/attribution/report.ts';
import type { AttributionSettings, DealInput, Touch } from '../../src/attribution/types.ts';

const settings: AttributionSettings = { lookback: '365d', time_decay_half_life: '7d' };

const t = (
  id: string,
  at: string,
  campaign: string | null,
  channel: string | null,
  personKey = 'ana@corp.example',
): Touch => ({
  id,
  at,
  campaign,
  channel,
  personKey,
});

const dealA: DealInput = {
  key: 'A',
  amount: 60000.37,
  closeDate: '2026-11-30',
  createdAt: '2026-11-20T00:00:00Z',
  mqlAt: '2026-11-10T00:00:00Z',
};
const dealB: DealInput = {
  key: 'B',
  amount: 250.01,
  closeDate: '2026-10-15T12:00:00Z',
  createdAt: '2026-10-01T00:00:00Z',
  mqlAt: null,
};
const dealC: DealInput = {
  key: 'C',
  amount: 99.99,
  closeDate: '2026-09-01',
  createdAt: '2026-08-01T00:00:00Z',
  mqlAt: null,
};

const touchesA = [
  t('a1', '2026-11-01T00:00:00Z', 'Autumn Data Summit', 'webinar'),
  t('a2', '2026-11-10T00:00:00Z', 'Pricing Ads', 'paid_search'),
  t('a3', '2026-11-15T00:00:00Z', null, null, 'bo@corp.example'),
  t('a4', '2026-11-19T00:00:00Z', 'Autumn Data Summit', 'webinar', 'bo@corp.example'),
];
const touchesB = [t('b1', '2026-10-02T00:00:00Z', 'Pricing Ads', null)];

describe('summarize', () => {
  const results = [
    attribute(dealA, touchesA, 'w_shaped', settings),
    attribute(dealB, touchesB, 'w_shaped', settings),
    attribute(dealC, [], 'w_shaped', settings),
  ];

  it('sums per campaign and channel in cents, in the API shape', () => {
    // A: a1 .3, a2 .3, a4 .3, a3 .1 of 6000037 → 1800011.1 ×3, 600003.7 → floors + 1 to a1
    const summary = summarize(results, [dealA, dealB, dealC], { model: 'w_shaped' });
    expect(summary).toEqual({
      model: 'w_shaped',
      from: null,
      to: null,
      deals: 3,
      revenue: 60350.37,
      by_campaign: { 'Autumn Data Summit': 36000.23, 'Pricing Ads': 18250.12, '(none)': 6000.03 },
      by_channel: { webinar: 36000.23, paid_search: 18000.11, '(none)': 6250.04 },
      unattributed: 99.99,
    });
    const credited = Object.values(summary.by_campaign).reduce((a, b) => a + b, 0);
    expect(Math.round((credited + summary.unattributed) * 100)).toBe(Math.round(summary.revenue * 100));
  });

  it('counts only won deals whose close date falls in the window (date-only bounds are whole days)', () => {
    const summary = summarize(results, [dealA, dealB, dealC], {
      model: 'w_shaped',
      from: '2026-10-15',
      to: '2026-11-30',
    });
    expect(summary).toMatchObject({
      from: '2026-10-15',
      to: '2026-11-30',
      deals: 2,
      revenue: 60250.38,
      unattributed: 0,
    });
    expect(summarize(results, [dealA, dealB, dealC], { model: 'w_shaped', to: '2026-09-01' })).toMatchObject({
      deals: 1,
      revenue: 99.99,
      unattributed: 99.99,
      by_campaign: {},
    });
  });

  it('counts a deal without a result for the model as unattributed', () => {
    const summary = summarize(results, [dealA], { model: 'linear' });
    expect(summary).toMatchObject({
      deals: 1,
      revenue: 60000.37,
      unattributed: 60000.37,
      by_campaign: {},
      by_channel: {},
    });
  });
});

describe('summaryText', () => {
  it('is one line of campaigns by share, largest first', () => {
    expect(summaryText(attribute(dealA, touchesA, 'w_shaped', settings))).toBe(
      'w_shaped: Autumn Data Summit 60.00%, Pricing Ads 30.00%, (none) 10.00%',
    );
    expect(summaryText(attribute(dealC, [], 'linear', settings))).toBe('linear: unattributed');
  });
});

describe('influenceRows', () => {
  const result = attribute(dealA, touchesA, 'w_shaped', settings);
  const contacts = { a1: '003ANA', a2: '003ANA', a3: '003BO', a4: '003BO' };

  it('one row per campaign and contact, Influence so that Amount × Influence / 100 is the share', () => {
    const { rows, skipped } = influenceRows(result, { key: 'A', opportunityId: '006A' }, contacts, {
      byName: { 'autumn data summit': '701AUT', 'Pricing Ads': '701PRI' },
    });
    expect(rows.map(({ Influence: _i, ...r }) => r)).toEqual([
      { OpportunityId: '006A', CampaignId: '701AUT', ContactId: '003ANA' },
      { OpportunityId: '006A', CampaignId: '701PRI', ContactId: '003ANA' },
      { OpportunityId: '006A', CampaignId: '701AUT', ContactId: '003BO' },
    ]);
    const centsOf = (id: string) => result.shares.find((s) => s.touchId === id)!.cents;
    for (const [row, touchId] of [
      [rows[0], 'a1'],
      [rows[1], 'a2'],
      [rows[2], 'a4'],
    ] as const) {
      expect(Math.round(dealA.amount * row.Influence)).toBe(centsOf(touchId));
    }
    expect(skipped).toEqual([{ touchId: 'a3', reason: 'touch has no campaign' }]);
  });

  it('adds up several touches of one campaign by one contact, and matches by Campaign id first', () => {
    const r = attribute(
      dealA,
      touchesA.map((x) => ({
        ...x,
        personKey: 'p',
        campaignId: x.campaign === 'Autumn Data Summit' ? '701AUT' : null,
      })),
      'w_shaped',
      settings,
    );
    const { rows, skipped } = influenceRows(
      r,
      { key: '006A' },
      { a1: '003X', a2: '003X', a3: '003X', a4: '003X' },
      { ids: ['701AUT'], byName: {} },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ OpportunityId: '006A', CampaignId: '701AUT', ContactId: '003X' });
    // a1 1800012 (with the remainder cent) + a4 1800011 of 6000037 cents
    expect(rows[0].Influence).toBe(((1800012 + 1800011) / 6000037) * 100);
    expect(skipped.map((s) => s.reason)).toEqual([
      "no Salesforce Campaign named 'Pricing Ads'",
      'touch has no campaign',
    ]);
  });

  it('skips a touch without a Contact', () => {
    const { rows, skipped } = influenceRows(
      result,
      { key: '006A' },
      { a1: '003ANA' },
      { byName: { 'Autumn Data Summit': '701AUT', 'Pricing Ads': '701PRI' } },
    );
    expect(rows).toHaveLength(1);
    expect(skipped.filter((s) => s.reason === 'no Salesforce Contact for the touch').map((s) => s.touchId)).toEqual([
      'a2',
      'a4',
    ]);
  });
});
