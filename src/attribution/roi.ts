/**
 * ROI per campaign (and per channel with a cost): cost, credited revenue, credited pipeline, MQLs,
 * cost per MQL and return per dollar (credited revenue ÷ cost), under one model. Pure.
 */
import { parseDuration } from '../config/duration.ts';
import { NONE } from './report.ts';
import { instant, touchesInWindow } from './touches.ts';
import type { Touch } from './types.ts';

/** `attribution.costs` entries: a campaign's or a channel's cost. */
export type CostEntry = { campaign: string; cost: number } | { channel: string; cost: number };

export interface RoiRow {
  name: string;
  /** `null` when no cost is known (no Campaign.ActualCost, no `attribution.costs` entry). */
  cost: number | null;
  /** Where the cost came from. */
  cost_source: 'salesforce' | 'agreement' | null;
  revenue: number;
  pipeline: number;
  mqls: number;
  cost_per_mql: number | null;
  /** Credited revenue ÷ cost; `null` without a positive cost. */
  return_per_dollar: number | null;
}

export interface Roi {
  by_campaign: RoiRow[];
  by_channel: RoiRow[];
}

export interface RoiInput {
  revenue: { by_campaign: Record<string, number>; by_channel: Record<string, number> };
  pipeline: { by_campaign: Record<string, number>; by_channel: Record<string, number> };
  mqls: { by_campaign: Record<string, number>; by_channel: Record<string, number> };
  /** Salesforce `Campaign.ActualCost` by Campaign name. */
  campaignCosts: Readonly<Record<string, number>>;
  /** `attribution.costs`; a campaign here overrides its ActualCost. */
  costs: readonly CostEntry[];
}

function rows(
  revenue: Record<string, number>,
  pipeline: Record<string, number>,
  mqls: Record<string, number>,
  costs: Map<string, { cost: number; source: 'salesforce' | 'agreement' }>,
): RoiRow[] {
  const names = new Set([...Object.keys(revenue), ...Object.keys(pipeline), ...costs.keys()]);
  const out: RoiRow[] = [];
  for (const name of names) {
    const known = costs.get(name);
    const cost = known?.cost ?? null;
    const credited = revenue[name] ?? 0;
    const count = mqls[name] ?? 0;
    out.push({
      name,
      cost,
      cost_source: known?.source ?? null,
      revenue: credited,
      pipeline: pipeline[name] ?? 0,
      mqls: count,
      cost_per_mql: cost !== null && count > 0 ? Math.round((cost / count) * 100) / 100 : null,
      return_per_dollar: cost !== null && cost > 0 ? credited / cost : null,
    });
  }
  return out.sort((a, b) => b.revenue - a.revenue || b.pipeline - a.pipeline || (a.name < b.name ? -1 : 1));
}

/** The ROI rows: every campaign credited or with a cost; channels only where `attribution.costs` gives one. */
export function roi(input: RoiInput): Roi {
  const campaign = new Map<string, { cost: number; source: 'salesforce' | 'agreement' }>();
  for (const [name, cost] of Object.entries(input.campaignCosts))
    if (Number.isFinite(cost)) campaign.set(name, { cost, source: 'salesforce' });
  const channel = new Map<string, { cost: number; source: 'salesforce' | 'agreement' }>();
  for (const c of input.costs)
    if ('campaign' in c) campaign.set(c.campaign, { cost: c.cost, source: 'agreement' });
    else channel.set(c.channel, { cost: c.cost, source: 'agreement' });
  const byChannel = rows(input.revenue.by_channel, input.pipeline.by_channel, input.mqls.by_channel, channel);
  return {
    by_campaign: rows(input.revenue.by_campaign, input.pipeline.by_campaign, input.mqls.by_campaign, campaign),
    by_channel: byChannel.filter((r) => r.cost !== null),
  };
}

/**
 * MQLs by the campaign and channel of the touch that led to them: each person's last touch at or
 * before its `mql` (within `lookback`); an MQL without one counts under `(none)`.
 */
export function mqlsByTouch(
  mqls: readonly { personKey: string; at: string }[],
  touchesByPerson: ReadonlyMap<string, readonly Touch[]>,
  lookback: string | number,
): { by_campaign: Record<string, number>; by_channel: Record<string, number> } {
  const lookbackMs = typeof lookback === 'number' ? lookback : parseDuration(lookback);
  const campaigns: Record<string, number> = {};
  const channels: Record<string, number> = {};
  for (const m of mqls) {
    const placed = touchesInWindow(touchesByPerson.get(m.personKey) ?? [], instant(m.at, 'mql'), lookbackMs);
    const last = placed.length ? placed[placed.length - 1].touch : null;
    const campaign = last?.campaign || NONE;
    const channel = last?.channel || NONE;
    campaigns[campaign] = (campaigns[campaign] ?? 0) + 1;
    channels[channel] = (channels[channel] ?? 0) + 1;
  }
  return { by_campaign: campaigns, by_channel: channels };
}
