/** `GET /api/attribution` and `baton attribution`: stored attribution results summed by campaign and channel. */
import { summarize, type AttributionSummary } from '../../attribution/index.ts';
import type { AttributionModel, AttributionResult, DealInput } from '../../attribution/index.ts';
import type { Store } from '../../store/types.ts';

/**
 * Every attributed won deal, once: `linear` is computed for each of them (it needs no settings),
 * so a deal still missing `model`'s result (one defined after it was won) counts as unattributed
 * instead of disappearing from the report.
 */
const EVERY_DEAL = 'linear';

/** Sums the stored results of `model` for the won deals closing in the window. */
export async function attributionReport(
  store: Store,
  model: AttributionModel,
  from: string | null,
  to: string | null,
): Promise<AttributionSummary> {
  const rows = await store.attributionFor(model, null, null);
  const all = model === EVERY_DEAL ? rows : await store.attributionFor(EVERY_DEAL, null, null);
  const results: AttributionResult[] = rows.map((r) => {
    const credited = r.shares.reduce((s, x) => s + x.cents, 0);
    return {
      dealKey: r.dealKey,
      model: r.model as AttributionModel,
      amountCents: r.amountCents,
      shares: r.shares.map((s) => ({
        touchId: s.eventId,
        campaign: s.campaign,
        channel: s.channel,
        personKey: '',
        cents: s.cents,
      })),
      unattributedCents: r.amountCents - credited,
      keys: { ft: null, lc: null, oc: null, cw: null },
    };
  });
  const deals: DealInput[] = all.map((r) => ({
    key: r.dealKey,
    amount: r.amountCents / 100,
    closeDate: r.closeDate,
    createdAt: r.closeDate,
    mqlAt: null,
  }));
  return summarize(results, deals, { model, from, to });
}
