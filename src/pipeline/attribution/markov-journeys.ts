/**
 * What `markov` learns from, read from the store: the journeys of every won deal (converted) and
 * lost deal (not converted) — the touches of its people within `lookback` before its close — and,
 * with `attribution.markov.include_non_deals`, of every person on no deal (not converted).
 */
import {
  dealJourney,
  fitMarkov,
  personJourney,
  type Journey,
  type MarkovFit,
  type Touch,
} from '../../attribution/index.ts';
import type { AgreementConfig } from '../../config/schema.ts';
import { parseDuration } from '../../config/duration.ts';
import type { DealRow, EventRow, PersonRow, Store } from '../../store/types.ts';
import { dealValues } from '../deal-change.ts';

/** An agreement's `attribution` section, or the parts of it a caller has. */
export type MarkovSection = Partial<NonNullable<AgreementConfig['attribution']>> | null | undefined;

/** The settings markov runs with, the schema's defaults where the section names none. */
export interface MarkovSettings {
  lookbackMs: number;
  minJourneys: number;
  includeNonDeals: boolean;
}

/** `attribution.markov` and `lookback` of a section, with defaults. */
export function markovSettingsOf(a: MarkovSection): MarkovSettings {
  const lookback = a?.lookback ?? '365d';
  return {
    lookbackMs: typeof lookback === 'number' ? lookback : parseDuration(lookback),
    minJourneys: a?.markov?.min_journeys ?? 30,
    includeNonDeals: a?.markov?.include_non_deals ?? false,
  };
}

/** A learned fit, with the touches of every person it read (to credit won deals from). */
export interface MarkovData {
  fit: MarkovFit;
  settings: MarkovSettings;
  /** The touches of the people with these ids, in no particular order. */
  touchesOf(personIds: readonly number[]): Touch[];
  deals: ReadonlyMap<string, DealRow>;
}

const PAGE = 500;

/** The events of `person` that carry a campaign or a channel, as touches. */
export function eventTouches(person: Pick<PersonRow, 'email'>, events: readonly EventRow[]): Touch[] {
  const out: Touch[] = [];
  for (const e of events) {
    if (!e.campaign && !e.channel) continue;
    const campaignId = typeof e.properties.campaign_id === 'string' ? e.properties.campaign_id : null;
    out.push({ id: e.id, at: e.at, campaign: e.campaign, channel: e.channel, personKey: person.email, campaignId });
  }
  return out;
}

/** The close of a closed deal: its `close_date`, else when it last changed (as `attributeDeal` reads it). */
export function closeDateOf(deal: DealRow): string {
  const values = dealValues(deal);
  return values.close_date ? String(values.close_date) : deal.updatedAt;
}

/** Reads every person's touches and deals (page by page) and learns the chain. */
export async function learnMarkov(store: Store, section: MarkovSection): Promise<MarkovData> {
  const settings = markovSettingsOf(section);
  const touches = new Map<number, Touch[]>();
  const deals = new Map<string, DealRow>();
  const noDeal: number[] = [];
  for (let afterId: number | undefined; ;) {
    const page = await store.listPeople({ ...(afterId === undefined ? {} : { afterId }), limit: PAGE });
    if (page.length === 0) break;
    for (const p of page) {
      touches.set(p.id, eventTouches(p, await store.listEvents(p.id)));
      const ofPerson = await store.dealsForPerson(p.id);
      if (ofPerson.length === 0) noDeal.push(p.id);
      for (const d of ofPerson) deals.set(d.key, d);
    }
    afterId = page[page.length - 1].id;
  }
  const touchesOf = (ids: readonly number[]) => ids.flatMap((id) => touches.get(id) ?? []);
  const journeys: Journey[] = [];
  for (const deal of deals.values()) {
    const stage = dealValues(deal).stage;
    if (stage !== 'won' && stage !== 'lost') continue;
    journeys.push(dealJourney(touchesOf(deal.personIds), closeDateOf(deal), settings.lookbackMs, stage === 'won'));
  }
  if (settings.includeNonDeals) for (const id of noDeal) journeys.push(personJourney(touches.get(id) ?? []));
  return { fit: fitMarkov(journeys, settings.minJourneys), settings, touchesOf, deals };
}
