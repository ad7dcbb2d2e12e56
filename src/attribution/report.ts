/** Revenue credited by campaign and by channel, in the shape of `GET /api/attribution`. */
import { parseInstant } from '../mapping/time.ts';
import { fromCents } from './split.ts';
import { closeInstant } from './touches.ts';
import type { AttributionModel, AttributionResult, DealInput } from './types.ts';

/** The bucket of touches without a campaign (or without a channel). */
export const NONE = '(none)';

export interface AttributionSummary {
  model: AttributionModel;
  from: string | null;
  to: string | null;
  deals: number;
  revenue: number;
  by_campaign: Record<string, number>;
  by_channel: Record<string, number>;
  unattributed: number;
}

export interface SummaryWindow {
  model: AttributionModel;
  /** Inclusive; a date-only `from` is the start of that day, a date-only `to` the end, UTC. */
  from?: string | null;
  to?: string | null;
}

function bound(iso: string | null | undefined, end: boolean): number | undefined {
  if (!iso) return undefined;
  const ms = parseInstant(iso);
  if (ms === undefined) return undefined;
  return end && /^\d{4}-\d{2}-\d{2}$/.test(iso.trim()) ? ms + 86_400_000 - 1 : ms;
}

/** Cents by name → currency units by name, largest first (by name on a tie). */
export function sortedAmounts(cents: Map<string, number>): Record<string, number> {
  const entries = [...cents].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, fromCents(v)]));
}

/**
 * Sums the results of the won deals whose close date falls in the window. A deal without a
 * result counts as unattributed; sums are taken in cents so every amount is exact to the cent.
 */
export function summarize(
  results: readonly AttributionResult[],
  deals: readonly DealInput[],
  window: SummaryWindow,
): AttributionSummary {
  const from = bound(window.from, false);
  const to = bound(window.to, true);
  const byDeal = new Map(results.filter((r) => r.model === window.model).map((r) => [r.dealKey, r]));
  const campaigns = new Map<string, number>();
  const channels = new Map<string, number>();
  let revenue = 0;
  let unattributed = 0;
  let count = 0;
  for (const deal of deals) {
    const close = closeInstant(deal.closeDate);
    if ((from !== undefined && close < from) || (to !== undefined && close > to)) continue;
    const result = byDeal.get(deal.key);
    count++;
    if (!result) {
      const cents = Math.round(deal.amount * 100);
      revenue += cents;
      unattributed += cents;
      continue;
    }
    revenue += result.amountCents;
    unattributed += result.unattributedCents;
    for (const share of result.shares) {
      const campaign = share.campaign || NONE;
      const channel = share.channel || NONE;
      campaigns.set(campaign, (campaigns.get(campaign) ?? 0) + share.cents);
      channels.set(channel, (channels.get(channel) ?? 0) + share.cents);
    }
  }
  return {
    model: window.model,
    from: window.from ?? null,
    to: window.to ?? null,
    deals: count,
    revenue: fromCents(revenue),
    by_campaign: sortedAmounts(campaigns),
    by_channel: sortedAmounts(channels),
    unattributed: fromCents(unattributed),
  };
}

/** One line for the HubSpot deal: `w_shaped: Autumn Data Summit 45.00%, Pricing Ads 30.00%, (none) 25.00%`. */
export function summaryText(result: AttributionResult): string {
  if (result.shares.length === 0) return `${result.model}: unattributed`;
  const byCampaign = new Map<string, number>();
  for (const share of result.shares) {
    const campaign = share.campaign || NONE;
    byCampaign.set(campaign, (byCampaign.get(campaign) ?? 0) + share.cents);
  }
  const total = result.amountCents;
  const parts = [...byCampaign]
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .map(([campaign, cents]) => `${campaign} ${(total === 0 ? 0 : (cents / total) * 100).toFixed(2)}%`);
  return `${result.model}: ${parts.join(', ')}`;
}
