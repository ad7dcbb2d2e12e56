/**
 * `deal.create_in_hubspot`: an Opportunity without a HubSpot deal becomes one (its mapped `deal`
 * fields, associated with its people's contacts), created once under an idempotency key; the new
 * id is linked to the Opportunity's deal row, so the attribution summary and the deal's own
 * webhooks land on that row rather than on a second deal. From then on the linked HubSpot deal
 * follows the Opportunity: one desired update (`hubspot:deal:ID`) carries the mapped fields the
 * sync rules send to HubSpot that it does not hold yet, and the attribution summary once there is one.
 */
import { stableHash, toCrm, unchangedDropped } from '../../mapping/index.ts';
import type { DealRow, PersonRow, Store } from '../../store/types.ts';
import { requireConfig, type PipelineContext } from '../context.ts';
import { dealValues } from '../deal-change.ts';
import { getKv, kv, setKv } from '../../store/keys.ts';
import type { OutboxPayload } from '../../store/stored.ts';
import { getSnapshot } from '../snapshots.ts';

const CREATE_PREFIX = 'hubspot:deal:create:';

/** Queues the HubSpot create of an Opportunity's deal when configured and none is linked yet. */
export async function queueHubSpotDeal(ctx: PipelineContext, deal: DealRow): Promise<void> {
  const fields = requireConfig(ctx).fields;
  if (!fields.deal?.create_in_hubspot || !ctx.connectors.hubspot || deal.hubspotId || !deal.salesforceId) return;
  const { properties, errors } = toCrm('deal', fields, 'hubspot', dealValues(deal), { create: true });
  for (const e of errors) ctx.log.warn('deal field not written to HubSpot', { deal: deal.key, error: e.message });
  const people = (await Promise.all(deal.personIds.map((id) => ctx.store.getPerson(id)))).filter(
    (p): p is PersonRow => p !== null,
  );
  const contacts = [...new Set(people.map((p) => p.hubspotId).filter((id): id is string => !!id))].sort();
  const payload: OutboxPayload = {
    object: 'deal',
    action: 'create',
    properties,
    associations: { contacts },
    purpose: 'deal-create',
  };
  const key = CREATE_PREFIX + deal.key;
  const hash = stableHash(payload);
  if ((await ctx.store.lastWrittenHash(key)) === hash) return;
  await ctx.store.outboxPut({
    crm: 'hubspot',
    key,
    personId: null,
    payload,
    hash,
    idempotencyKey: `deal-create:${deal.key}`,
  });
}

/** Links a created HubSpot deal to its deal row (outbox key `hubspot:deal:create:KEY`); returns the updated row. */
export async function linkCreatedDeal(store: Store, outboxKey: string, hubspotId: string): Promise<DealRow | null> {
  if (!outboxKey.startsWith(CREATE_PREFIX)) return null;
  const dealKey = outboxKey.slice(CREATE_PREFIX.length);
  return store.transaction(async (tx) => {
    const deal = await tx.getDeal(dealKey);
    if (!deal) return null;
    await setKv(tx, kv.dealLink(hubspotId), dealKey);
    if (deal.hubspotId === hubspotId) return deal;
    const linked = { ...deal, hubspotId };
    await tx.upsertDeal(linked);
    return linked;
  });
}

/** Remembers the rendered `writeback.hubspot.deal` values (the attribution summary) of a deal and queues its update. */
export async function setDealWriteback(
  ctx: PipelineContext,
  deal: DealRow,
  properties: Record<string, unknown>,
): Promise<void> {
  await setKv(ctx.store, kv.dealWriteback(deal.key), properties);
  await queueHubSpotDealUpdate(ctx, deal);
}

/**
 * Queues the desired update of a deal's HubSpot record (when it has one and an Opportunity): the
 * mapped fields the sync rules let reach HubSpot and the stored write-back values, less what the
 * HubSpot deal already holds. Nothing to change, nothing queued.
 */
export async function queueHubSpotDealUpdate(ctx: PipelineContext, deal: DealRow): Promise<void> {
  if (!ctx.connectors.hubspot || !deal.hubspotId) return;
  const fields = requireConfig(ctx).fields;
  const snap = await getSnapshot(ctx.store, 'hubspot', 'deal', deal.hubspotId);
  const mapped = deal.salesforceId
    ? toCrm('deal', fields, 'hubspot', dealValues(deal), { target: snap?.props })
    : { properties: {}, errors: [] };
  for (const e of mapped.errors)
    ctx.log.warn('deal field not written to HubSpot', { deal: deal.key, error: e.message });
  const writeback = (await getKv(ctx.store, kv.dealWriteback(deal.key))) ?? {};
  const properties = unchangedDropped({ ...mapped.properties, ...writeback }, snap);
  if (Object.keys(properties).length === 0) return;
  const payload: OutboxPayload = { object: 'deal', id: deal.hubspotId, action: 'update', properties, purpose: 'deal' };
  const key = `hubspot:deal:${deal.hubspotId}`;
  const hash = stableHash(payload);
  if ((await ctx.store.lastWrittenHash(key)) === hash) return;
  await ctx.store.outboxPut({
    crm: 'hubspot',
    key,
    personId: null,
    payload,
    hash,
    idempotencyKey: `deal:${deal.key}:hubspot`,
  });
}
