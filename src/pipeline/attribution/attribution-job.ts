/**
 * Attribution on won deals: when a deal is won, and again when a won deal's amount, close date or
 * people change, every model is computed (`attributeAllModels`) and stored (`replaceAttribution`);
 * the HubSpot deal gets its summary and Salesforce its CampaignInfluence rows, when configured,
 * from the default model (`markov`: learned from every journey, see markov-report.ts).
 */
import {
  attributeAllModels,
  summaryText,
  influenceRows,
  type AttributionResult,
  type DealInput,
} from '../../attribution/index.ts';
import { renderWriteback, stableHash } from '../../mapping/index.ts';
import { errorMessage } from '../../platform/errors.ts';
import { getKv, kv } from '../../store/keys.ts';
import type { AttributionRow, DealRow, PersonRow } from '../../store/types.ts';
import { nowIso, requireConfig, type PipelineContext } from '../context.ts';
import { dealValues, type DealChange } from '../deal-change.ts';
import { linkCreatedDeal, queueHubSpotDeal, queueHubSpotDealUpdate, setDealWriteback } from '../deals/hubspot-deal.ts';
import type { OutboxPayload } from '../../store/stored.ts';
import { dealPeople, mqlAtOf, scopeOf, settingsOf, touchesOf } from './deal-touches.ts';
import { markovDealResult } from './markov-report.ts';

const RELEVANT = new Set(['stage', 'amount', 'close_date', 'contacts']);

/** Whether a deal change calls for (re)computing attribution. */
export function needsAttribution(change: DealChange): boolean {
  if (dealValues(change.deal).stage !== 'won') return false;
  const wasWon = change.before ? dealValues(change.before).stage === 'won' : false;
  return !wasWon || change.changed.some((f) => RELEVANT.has(f));
}

/** Computes and stores every model of one won deal; returns the results. */
export async function attributeDeal(
  ctx: PipelineContext,
  deal: DealRow,
): Promise<Partial<Record<string, AttributionResult>> | null> {
  const live = requireConfig(ctx);
  const values = dealValues(deal);
  const amount = Number(values.amount);
  const closeDate = values.close_date ? String(values.close_date) : deal.updatedAt;
  if (!Number.isFinite(amount)) {
    ctx.log.warn('won deal without an amount; attribution skipped', { deal: deal.key });
    return null;
  }
  const a = live.agreementConfig.attribution;
  const people = await dealPeople(ctx.store, deal, scopeOf(a));
  const createdAt = deal.createdAt ?? closeDate;
  const mqlAt = await mqlAtOf(ctx.store, people, createdAt);
  const input: DealInput = { key: deal.key, amount, closeDate, createdAt, mqlAt };
  const results = attributeAllModels(input, await touchesOf(ctx.store, people), settingsOf(a));
  const computedAt = nowIso(ctx);
  const rows: AttributionRow[] = Object.values(results).map((r) => ({
    dealKey: deal.key,
    model: r!.model,
    amountCents: r!.amountCents,
    closeDate,
    shares: r!.shares.map((s) => ({ eventId: s.touchId, campaign: s.campaign, channel: s.channel, cents: s.cents })),
    computedAt,
  }));
  await ctx.store.replaceAttribution(deal.key, rows);
  const model = a?.default_model ?? 'w_shaped';
  const main = model === 'markov' ? await markovDealResult(ctx, input, people) : results[model];
  if (main) await queueDealWrites(ctx, deal, main, people);
  return results;
}

async function put(
  ctx: PipelineContext,
  crm: 'hubspot' | 'salesforce',
  key: string,
  payload: OutboxPayload,
  idempotencyKey: string,
): Promise<void> {
  if (!ctx.connectors[crm]) return;
  const hash = stableHash(payload);
  if ((await ctx.store.lastWrittenHash(key)) === hash) return;
  await ctx.store.outboxPut({
    crm,
    key,
    personId: null,
    payload,
    hash,
    idempotencyKey,
  });
}

/**
 * Campaigns of the result's touches: a CampaignMember touch carries the org's own Campaign id;
 * the other names are looked up in the org (one query), then in the stored `campaigns:salesforce` (name → id).
 */
async function campaignLookup(
  ctx: PipelineContext,
  result: AttributionResult,
): Promise<{ ids: string[]; byName: Map<string, string> }> {
  const stored = (await getKv(ctx.store, kv.campaignIds())) ?? {};
  const byName = new Map(Object.entries(stored));
  const ids = new Set(result.shares.map((s) => s.campaignId).filter((id): id is string => !!id));
  const names = [
    ...new Set(result.shares.filter((s) => s.campaign && !ids.has(s.campaign) && s.cents > 0).map((s) => s.campaign!)),
  ];
  const sf = ctx.connectors.salesforce;
  if (names.length && sf?.campaignIdsByName)
    for (const [name, id] of await sf.campaignIdsByName(names)) byName.set(name, id);
  for (const id of byName.values()) ids.add(id);
  return { ids: [...ids], byName };
}

async function queueDealWrites(
  ctx: PipelineContext,
  deal: DealRow,
  result: AttributionResult,
  people: PersonRow[],
): Promise<void> {
  const fields = requireConfig(ctx).fields;
  const template = fields.writeback?.hubspot?.deal;
  if (template && deal.hubspotId)
    await setDealWriteback(
      ctx,
      deal,
      renderWriteback(template, { attribution: { summary: summaryText(result) }, deal: dealValues(deal) }),
    );
  if (fields.writeback?.salesforce?.campaign_influence && deal.salesforceId) {
    const contactOf = new Map<string, string | undefined>();
    const byEmail = new Map(
      people.map((p) => [p.email, p.salesforceObject === 'Contact' ? (p.salesforceId ?? undefined) : undefined]),
    );
    for (const s of result.shares) contactOf.set(s.touchId, byEmail.get(s.personKey));
    const { rows, skipped } = influenceRows(
      result,
      { key: deal.key, opportunityId: deal.salesforceId },
      contactOf,
      await campaignLookup(ctx, result),
    );
    for (const s of skipped)
      ctx.log.debug('touch gives no CampaignInfluence row', { deal: deal.key, touch: s.touchId, reason: s.reason });
    if (skipped.length)
      ctx.log.warn('touches without a CampaignInfluence row', {
        deal: deal.key,
        touches: skipped.length,
        reasons: [...new Set(skipped.map((s) => s.reason))].slice(0, 5),
      });
    await put(
      ctx,
      'salesforce',
      `salesforce:CampaignInfluence:${deal.salesforceId}`,
      {
        object: 'CampaignInfluence',
        action: 'upsert',
        properties: { OpportunityId: deal.salesforceId, rows },
        purpose: 'influence',
      },
      `influence:${deal.key}`,
    );
  }
}

/** Recomputes attribution when a deal change matters to it; a failure is logged, never fatal to the change. */
export async function onDealChanged(ctx: PipelineContext, change: DealChange): Promise<void> {
  try {
    await queueHubSpotDeal(ctx, change.deal);
    await queueHubSpotDealUpdate(ctx, change.deal);
  } catch (err) {
    ctx.log.error('HubSpot deal write not queued', { deal: change.deal.key, error: errorMessage(err) });
  }
  if (!needsAttribution(change)) return;
  try {
    await attributeDeal(ctx, change.deal);
  } catch (err) {
    ctx.log.error('attribution failed', { deal: change.deal.key, error: errorMessage(err) });
  }
}

/** A HubSpot deal Baton created (`create_in_hubspot`) is linked to its deal row; a won deal's summary then goes to it. */
export async function onHubSpotDealCreated(ctx: PipelineContext, outboxKey: string, hubspotId: string): Promise<void> {
  const deal = await linkCreatedDeal(ctx.store, outboxKey, hubspotId);
  if (!deal || dealValues(deal).stage !== 'won') return;
  try {
    await attributeDeal(ctx, deal);
  } catch (err) {
    ctx.log.error('attribution failed', { deal: deal.key, error: errorMessage(err) });
  }
}
