/**
 * Records that point at others: a Salesforce contact role or a converted Lead names an
 * Opportunity to (re)read; a responded CampaignMember is a touch of its Lead or Contact.
 */
import type { CrmRecord, EngagementEvent, RecordRef } from '../../../connectors/types.ts';
import { errorMessage } from '../../platform/errors.ts';
import { getKv, kv, setKv } from '../../store/keys.ts';
import type { Store } from '../../store/types.ts';
import type { PipelineContext } from '../context.ts';

/** Opportunities to read because a contact role changed or a Lead was converted with one. */
export function opportunityRefs(records: CrmRecord[]): RecordRef[] {
  const ids = new Set<string>();
  for (const r of records) {
    if (r.crm !== 'salesforce') continue;
    if (r.object === 'OpportunityContactRole' || (r.object === 'Lead' && r.properties.IsConverted === true)) {
      for (const id of r.associations?.opportunities ?? []) ids.add(id);
    }
  }
  return [...ids].map((id) => ({ crm: 'salesforce', object: 'Opportunity', id }));
}

const CAMPAIGN_NAMES = kv.campaignNames();

/**
 * Reads the names of the Campaigns these CampaignMembers belong to that Baton does not know yet (one
 * query), so their touches are credited under the name marketing gave the campaign, as the other
 * touches are, rather than under its id. Without the answer the touches keep the id.
 */
export async function learnCampaignNames(
  ctx: Pick<PipelineContext, 'store' | 'connectors' | 'log'>,
  members: CrmRecord[],
): Promise<void> {
  const sf = ctx.connectors.salesforce;
  if (!sf?.campaignNamesByIds) return;
  const known = (await getKv(ctx.store, CAMPAIGN_NAMES)) ?? {};
  const wanted = [
    ...new Set(members.map((m) => String(m.properties.CampaignId ?? '')).filter((id) => id && !known[id])),
  ];
  if (wanted.length === 0) return;
  try {
    const names = await sf.campaignNamesByIds(wanted);
    if (names.size) await setKv(ctx.store, CAMPAIGN_NAMES, { ...known, ...Object.fromEntries(names) });
  } catch (err) {
    ctx.log.warn('Campaign names could not be read; their touches keep the Campaign id', {
      campaigns: wanted.length,
      error: errorMessage(err),
    });
  }
}

/** The touch of a responded CampaignMember, with the email of the person it belongs to; null when none. */
export async function campaignTouch(store: Store, r: CrmRecord): Promise<EngagementEvent | null> {
  if (r.crm !== 'salesforce' || r.object !== 'CampaignMember') return null;
  const responded = r.properties.HasResponded === true || r.properties.HasResponded === 'true';
  if (!responded) return null;
  const whoId = (r.properties.ContactId ?? r.properties.LeadId) as string | undefined;
  const person = whoId ? await store.findPersonByCrmId('salesforce', whoId) : null;
  if (!person) return null;
  const campaignId = String(r.properties.CampaignId ?? '');
  const name =
    (r.properties['Campaign.Name'] as string | undefined) ?? ((await getKv(store, CAMPAIGN_NAMES)) ?? {})[campaignId];
  return {
    id: `salesforce:CampaignMember:${r.id}`,
    email: person.email,
    type: 'campaign_response',
    at: new Date(String(r.properties.FirstRespondedDate ?? r.modifiedAt)).toISOString(),
    properties: {
      campaign: name ?? campaignId,
      campaign_id: campaignId,
      channel: 'campaign',
      status: r.properties.Status ?? null,
    },
  };
}
