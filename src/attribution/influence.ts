/** Won-deal credit as Salesforce CampaignInfluence rows (Customizable Campaign Influence). */
import type { AttributionResult } from './types.ts';

/** One CampaignInfluence record; the connector adds the `ModelId` of Baton's influence model. */
export interface InfluenceRow {
  OpportunityId: string;
  CampaignId: string;
  ContactId: string;
  /** Percent of the Opportunity's Amount, unrounded, so `Amount × Influence / 100` is the share to the cent. */
  Influence: number;
}

/** Salesforce Campaigns known to Baton: their ids, and id by name. */
export interface CampaignLookup {
  ids?: Iterable<string>;
  byName: ReadonlyMap<string, string> | Record<string, string>;
}

export interface InfluenceResult {
  rows: InfluenceRow[];
  /** Credited touches that gave no row, with why (no campaign, unknown campaign, no contact). */
  skipped: { touchId: string; reason: string }[];
}

function nameLookup(lookup: CampaignLookup): (name: string) => string | undefined {
  const exact = lookup.byName instanceof Map ? lookup.byName : new Map(Object.entries(lookup.byName));
  const folded = new Map<string, string>();
  for (const [name, id] of exact) if (!folded.has(name.trim().toLowerCase())) folded.set(name.trim().toLowerCase(), id);
  return (name) => exact.get(name) ?? folded.get(name.trim().toLowerCase());
}

/**
 * One row per campaign and contact of the won deal: the cents of that contact's touches of that
 * campaign, as a percentage of the amount. Campaigns are matched by Salesforce Campaign id, else
 * by name; touches map to Contact ids through `contactsByTouch`.
 */
export function influenceRows(
  result: AttributionResult,
  deal: { key: string; opportunityId?: string },
  contactsByTouch: ReadonlyMap<string, string | undefined> | Record<string, string | undefined>,
  campaigns: CampaignLookup,
): InfluenceResult {
  const contactOf = (id: string) =>
    contactsByTouch instanceof Map
      ? contactsByTouch.get(id)
      : (contactsByTouch as Record<string, string | undefined>)[id];
  const ids = new Set(campaigns.ids ?? []);
  const byName = nameLookup(campaigns);
  const cents = new Map<string, { campaignId: string; contactId: string; cents: number }>();
  const skipped: InfluenceResult['skipped'] = [];
  for (const share of result.shares) {
    if (share.cents === 0) continue;
    let campaignId: string | undefined;
    if (share.campaignId && ids.has(share.campaignId)) campaignId = share.campaignId;
    else if (share.campaign && ids.has(share.campaign)) campaignId = share.campaign;
    else if (share.campaign) campaignId = byName(share.campaign);
    if (!campaignId) {
      skipped.push({
        touchId: share.touchId,
        reason: share.campaign ? `no Salesforce Campaign named '${share.campaign}'` : 'touch has no campaign',
      });
      continue;
    }
    const contactId = contactOf(share.touchId);
    if (!contactId) {
      skipped.push({ touchId: share.touchId, reason: 'no Salesforce Contact for the touch' });
      continue;
    }
    const key = `${campaignId}\u0000${contactId}`;
    const entry = cents.get(key) ?? { campaignId, contactId, cents: 0 };
    entry.cents += share.cents;
    cents.set(key, entry);
  }
  const opportunityId = deal.opportunityId ?? deal.key;
  const rows = [...cents.values()].map((e) => ({
    OpportunityId: opportunityId,
    CampaignId: e.campaignId,
    ContactId: e.contactId,
    Influence: result.amountCents === 0 ? 0 : (e.cents / result.amountCents) * 100,
  }));
  return { rows, skipped };
}
