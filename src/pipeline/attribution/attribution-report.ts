/** `GET /api/attribution` and `baton attribution`: stored attribution results summed by campaign and channel. */
import { summarize, type AttributionSummary } from '../../attribution/index.ts';
import type { AttributionModel, AttributionResult, DealInput } from '../../attribution/index.ts';
import type { Store } from '../../store/types.ts';

/** Sums the stored results of `model` for the won deals closing in the window. */
export async function attributionReport(store: Store, model: AttributionModel, from: string | null, to: string | null): Promise<AttributionSummary> {
  const rows = await store.attributionFor(model, null, null);
  const results: AttributionResult[] = rows.map((r) => {
    const credited = r.shares.reduce((s, x) => s + x.cents, 0);
    return {
      dealKey: r.dealKey,
      model: r.model as AttributionModel,
      amountCents: r.amountCents,
      shares: r.shares.map((s) => ({ touchId: s.eventId, campaign: s.campaign, channel: s.channel, personKey: '', cents: s.cents })),
      unattributedCents: r.amountCents - credited,
      keys: { ft: null, lc: null, oc: null, cw: null },
    };
  });
  const deals: DealInput[] = rows.map((r) => ({ key: r.dealKey, amount: r.amountCents / 100, closeDate: r.closeDate, createdAt: r.closeDate, mqlAt: null }));
  return summarize(results, deals, { model, from, to });
}
