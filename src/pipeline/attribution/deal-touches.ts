/**
 * What attribution reads of one deal from the store: the people in scope (`attribution.scope`),
 * their touches and their `mql` times, and the settings of the live `attribution` section.
 */
import { mqlAtFor, type AttributionSettings, type Touch } from '../../attribution/index.ts';
import { peopleInScope, type AttributionScope } from '../../attribution/scope.ts';
import type { AgreementConfig } from '../../config/schema.ts';
import type { DealRow, PersonRow, Store } from '../../store/types.ts';

/** An agreement's `attribution` section, or the parts of it a caller has (the CLI may have none). */
export type AttributionSection = Partial<NonNullable<AgreementConfig['attribution']>> | null | undefined;
type Section = AttributionSection;

/** The model settings of an `attribution` section (defaults when there is none). */
export function settingsOf(a: Section): AttributionSettings {
  return {
    lookback: a?.lookback ?? '365d',
    time_decay_half_life: a?.time_decay_half_life ?? '7d',
    ...(a?.custom ? { custom: a.custom } : {}),
  };
}

/** The section's scope, `contact_roles` when it names none. */
export function scopeOf(a: Section): AttributionScope {
  return a?.scope ?? 'contact_roles';
}

/** The people whose touches count for `deal` under `scope`. */
export async function dealPeople(store: Store, deal: DealRow, scope: AttributionScope): Promise<PersonRow[]> {
  const onAccounts = scope === 'account' ? await store.peopleOnAccounts(deal.accounts ?? []) : [];
  const ids = peopleInScope(deal, scope, onAccounts);
  return (await Promise.all(ids.map((id) => store.getPerson(id)))).filter((p): p is PersonRow => p !== null);
}

/** The touches of `people`: their events that carry a campaign or a channel. */
export async function touchesOf(store: Store, people: readonly PersonRow[]): Promise<Touch[]> {
  const out: Touch[] = [];
  for (const p of people) {
    for (const e of await store.listEvents(p.id)) {
      if (!e.campaign && !e.channel) continue;
      const campaignId = typeof e.properties.campaign_id === 'string' ? e.properties.campaign_id : null;
      out.push({ id: e.id, at: e.at, campaign: e.campaign, channel: e.channel, personKey: p.email, campaignId });
    }
  }
  return out;
}

/** The earliest `mql` of `people` at or before `createdAt` (breach records are not entries). */
export async function mqlAtOf(store: Store, people: readonly PersonRow[], createdAt: string): Promise<string | null> {
  const times: string[] = [];
  for (const p of people)
    for (const t of await store.listTransitions(p.id)) if (t.to === 'mql' && !t.breached) times.push(t.at);
  return mqlAtFor(createdAt, times);
}
