/**
 * `markov` in the attribution report and in the write-backs. It is learned from the store when
 * asked (so it never goes stale in storage): the report learns afresh; a won deal's write-back,
 * under `default_model: markov`, reuses a fit younger than `FIT_TTL_MS` so a recompute of every won
 * deal learns once.
 */
import {
  markovCredit,
  summarize,
  type AttributionResult,
  type AttributionSummary,
  type DealInput,
  type MarkovFit,
} from '../../attribution/index.ts';
import { stableHash } from '../../mapping/index.ts';
import type { PersonRow, Store } from '../../store/types.ts';
import type { PipelineContext } from '../context.ts';
import { learnMarkov, eventTouches, markovSettingsOf, type MarkovData, type MarkovSection } from './markov-journeys.ts';

/** What the report says of the model itself. */
export interface MarkovInfo {
  /** Journeys learned from, and how many of them converted. */
  journeys: number;
  converted_journeys: number;
  min_journeys: number;
  include_non_deals: boolean;
  /** Why it credits nothing (every deal is then unattributed), or `null`. */
  refused: string | null;
  /** P(conversion) from the start of a journey. */
  conversion: number;
  /** `1 − P(conversion without the state) / P(conversion)` by state (a campaign, or `channel:<name>`). */
  removal_effects: Record<string, number>;
}

export interface MarkovSummary extends AttributionSummary {
  markov: MarkovInfo;
}

/** Every attributed won deal, once: the same deals the rule-based models report (see attribution-report.ts). */
const EVERY_DEAL = 'linear';

function info(data: MarkovData): MarkovInfo {
  const { fit, settings } = data;
  return {
    journeys: fit.journeys,
    converted_journeys: fit.converted,
    min_journeys: fit.minJourneys,
    include_non_deals: settings.includeNonDeals,
    refused: fit.refused,
    conversion: fit.conversion,
    removal_effects: fit.removalEffects,
  };
}

/** The won deals closing in the window credited under `markov`, learned from the store now. */
export async function markovReport(
  store: Store,
  section: MarkovSection,
  from: string | null,
  to: string | null,
): Promise<MarkovSummary> {
  const data = await learnMarkov(store, section);
  const results: AttributionResult[] = [];
  const deals: DealInput[] = [];
  for (const row of await store.attributionFor(EVERY_DEAL, null, null)) {
    const deal = data.deals.get(row.dealKey) ?? (await store.getDeal(row.dealKey));
    const input: DealInput = {
      key: row.dealKey,
      amount: row.amountCents / 100,
      closeDate: row.closeDate,
      createdAt: row.closeDate,
      mqlAt: null,
    };
    deals.push(input);
    results.push(markovCredit(input, data.touchesOf(deal?.personIds ?? []), data.fit, data.settings.lookbackMs));
  }
  return { ...summarize(results, deals, { model: 'markov', from, to }), markov: info(data) };
}

const FIT_TTL_MS = 300_000;
const fits = new WeakMap<Store, { hash: string; atMs: number; fit: MarkovFit }>();

async function cachedFit(ctx: PipelineContext, section: MarkovSection): Promise<MarkovFit> {
  const hash = stableHash(section ?? null);
  const nowMs = ctx.now().getTime();
  const hit = fits.get(ctx.store);
  if (hit && hit.hash === hash && nowMs - hit.atMs < FIT_TTL_MS && nowMs >= hit.atMs) return hit.fit;
  const { fit } = await learnMarkov(ctx.store, section);
  fits.set(ctx.store, { hash, atMs: nowMs, fit });
  return fit;
}

/**
 * The `markov` credit of one won deal for its write-backs (`default_model: markov`), or `null`
 * when the model refuses: then nothing is written (a warning says why) rather than something wrong.
 */
export async function markovDealResult(
  ctx: PipelineContext,
  input: DealInput,
  people: readonly PersonRow[],
): Promise<AttributionResult | null> {
  const section = ctx.config()?.agreementConfig.attribution;
  const fit = await cachedFit(ctx, section);
  if (fit.refused !== null) {
    ctx.log.warn('markov refuses to credit; nothing written to CampaignInfluence or the HubSpot deal', {
      deal: input.key,
      reason: fit.refused,
    });
    return null;
  }
  const touches = [];
  for (const p of people) touches.push(...eventTouches(p, await ctx.store.listEvents(p.id)));
  return markovCredit(input, touches, fit, markovSettingsOf(section).lookbackMs);
}
