/**
 * Pipeline credit: the amount of the deals created in a period credited, at their creation, to the
 * touches before it — per model, and as sourced (the first touch takes the whole amount) and
 * influenced (every campaign and channel touched takes the whole amount once). Pure.
 */
import { parseDuration } from '../config/duration.ts';
import { attribute } from './attribute.ts';
import { NONE, sortedAmounts } from './report.ts';
import { fromCents } from './split.ts';
import { instant, touchesInWindow } from './touches.ts';
import type { AttributionModel, AttributionSettings, Touch } from './types.ts';

/** A deal as pipeline: its amount and when it was created. */
export interface PipelineDeal {
  key: string;
  amount: number;
  /** Opportunity `CreatedDate`, HubSpot deal `createdate` (ISO). */
  createdAt: string;
  /** Earliest `mql` of the deal's people at or before its creation, or `null`. */
  mqlAt: string | null;
}

export interface Breakdown {
  by_campaign: Record<string, number>;
  by_channel: Record<string, number>;
}

/** `GET /api/attribution?report=pipeline`: amounts in currency units, exact to the cent. */
export interface PipelineSummary extends Breakdown {
  report: 'pipeline';
  model: AttributionModel;
  from: string | null;
  to: string | null;
  /** Deals created in `[from, to)`. */
  deals: number;
  /** Their amounts summed. */
  pipeline: number;
  /** Amount of the deals without a touch before their creation. */
  unattributed: number;
  sourced: Breakdown;
  influenced: Breakdown;
}

class Sums {
  readonly campaign = new Map<string, number>();
  readonly channel = new Map<string, number>();
  add(
    touch: Pick<Touch, 'campaign' | 'channel'>,
    cents: number,
    which: 'campaign' | 'channel' | 'both' = 'both',
  ): void {
    if (which !== 'channel')
      this.campaign.set(touch.campaign || NONE, (this.campaign.get(touch.campaign || NONE) ?? 0) + cents);
    if (which !== 'campaign')
      this.channel.set(touch.channel || NONE, (this.channel.get(touch.channel || NONE) ?? 0) + cents);
  }
  breakdown(): Breakdown {
    return { by_campaign: sortedAmounts(this.campaign), by_channel: sortedAmounts(this.channel) };
  }
}

const durationMs = (v: string | number) => (typeof v === 'number' ? v : parseDuration(v));

/**
 * Credits each deal created in `[from, to)` (either bound open) to its touches within `lookback`
 * before its creation, up to it: `model`'s shares (the deal's creation as its close), sourced and
 * influenced. Every figure is summed in cents.
 */
export function pipelineCredit(
  deals: readonly { deal: PipelineDeal; touches: readonly Touch[] }[],
  model: AttributionModel,
  settings: AttributionSettings,
  window: { from?: string | null; to?: string | null },
): PipelineSummary {
  const from = window.from ? instant(window.from, 'from') : undefined;
  const to = window.to ? instant(window.to, 'to') : undefined;
  const credited = new Sums();
  const sourced = new Sums();
  const influenced = new Sums();
  let count = 0;
  let total = 0;
  let unattributed = 0;
  for (const { deal, touches } of deals) {
    const created = instant(deal.createdAt, 'createdAt');
    if ((from !== undefined && created < from) || (to !== undefined && created >= to)) continue;
    count++;
    const result = attribute(
      { key: deal.key, amount: deal.amount, closeDate: deal.createdAt, createdAt: deal.createdAt, mqlAt: deal.mqlAt },
      touches,
      model,
      settings,
    );
    total += result.amountCents;
    unattributed += result.unattributedCents;
    for (const share of result.shares) credited.add(share, share.cents);
    const placed = touchesInWindow(touches, created, durationMs(settings.lookback));
    if (placed.length === 0) continue;
    sourced.add(placed[0].touch, result.amountCents);
    for (const which of ['campaign', 'channel'] as const)
      for (const name of new Set(placed.map((p) => p.touch[which] || NONE)))
        influenced.add({ campaign: name, channel: name }, result.amountCents, which);
  }
  return {
    report: 'pipeline',
    model,
    from: window.from ?? null,
    to: window.to ?? null,
    deals: count,
    pipeline: fromCents(total),
    ...credited.breakdown(),
    unattributed: fromCents(unattributed),
    sourced: sourced.breakdown(),
    influenced: influenced.breakdown(),
  };
}
