import { describe, expect, it } from 'vitest';
import { pipelineCredit, type PipelineDeal } from '../../src/attribution/pipeline.ts';
import type { AttributionSettings, Touch } from '../../src/attribution/types.ts';

const settings: AttributionSettings = { lookback: '30d', time_decay_half_life: '7d' };
const t = (id: string, at: string, campaign: string | null, channel: string | null): Touch => ({
  id,
  at,
  campaign,
  channel,
  personKey: 'ana@corp.example',
});
const deal = (key: string, amount: number, createdAt: string): PipelineDeal => ({
  key,
  amount,
  createdAt,
  mqlAt: null,
});

const A = {
  deal: deal('A', 1000.01, '2026-11-20T00:00:00Z'),
  touches: [
    t('a1', '2026-11-01T00:00:00Z', 'Summit', 'event'),
    t('a2', '2026-11-10T00:00:00Z', 'Webinar', 'webinar'),
    t('a3', '2026-11-15T00:00:00Z', 'Summit', 'event'),
    // after the deal's creation: no pipeline credit
    t('a4', '2026-11-25T00:00:00Z', 'Ads', 'paid_search'),
  ],
};
const B = {
  deal: deal('B', 500, '2026-11-05T12:00:00Z'),
  touches: [
    // older than the lookback before creation
    t('b0', '2026-09-01T00:00:00Z', 'Old', 'email'),
    t('b1', '2026-11-04T00:00:00Z', 'Webinar', 'webinar'),
  ],
};
const C = { deal: deal('C', 250.5, '2026-11-07T00:00:00Z'), touches: [t('c1', '2026-11-08T00:00:00Z', 'Ads', null)] };
const D = { deal: deal('D', 999, '2026-12-01T00:00:00Z'), touches: [t('d1', '2026-11-30T00:00:00Z', 'Ads', null)] };

describe('pipelineCredit', () => {
  const s = pipelineCredit([A, B, C, D], 'linear', settings, {
    from: '2026-11-01T00:00:00Z',
    to: '2026-12-01T00:00:00Z',
  });

  it('takes deals created in [from, to) and sums their amounts to the cent', () => {
    expect(s).toMatchObject({ report: 'pipeline', model: 'linear', deals: 3, pipeline: 1750.51 });
    // C's only touch is after its creation
    expect(s.unattributed).toBe(250.5);
  });

  it('credits touches up to the creation under the model', () => {
    // A: 100001 cents over a1..a3 → 33333 each, the 2-cent remainder to the first; B: all to b1
    expect(s.by_campaign).toEqual({ Webinar: 833.33, Summit: 666.68 });
    expect(s.by_channel).toEqual({ webinar: 833.33, event: 666.68 });
    const credited = Object.values(s.by_campaign).reduce((a, v) => a + v, 0);
    expect(Math.round((credited + s.unattributed) * 100)).toBe(175051);
  });

  it('sourced gives the whole amount to the first touch; influenced to every campaign and channel touched, once', () => {
    expect(s.sourced.by_campaign).toEqual({ Summit: 1000.01, Webinar: 500 });
    expect(s.sourced.by_channel).toEqual({ event: 1000.01, webinar: 500 });
    expect(s.influenced.by_campaign).toEqual({ Webinar: 1500.01, Summit: 1000.01 });
    expect(s.influenced.by_channel).toEqual({ webinar: 1500.01, event: 1000.01 });
  });

  it('first_touch credit equals sourced', () => {
    const ft = pipelineCredit([A, B, C], 'first_touch', settings, {});
    expect(ft.by_campaign).toEqual(ft.sourced.by_campaign);
    expect(ft.deals).toBe(3);
  });
});
