/**
 * What a configuration needs from a HubSpot account, derived from `fields.yaml` alone: the scopes
 * its app must have, the `baton_*` properties Baton creates, and the webhook subscriptions (in
 * the legacy CRM object form Baton's receiver reads: `contact.propertyChange` per property).
 */
import type { FieldsConfig } from '../../src/config/schema.ts';
import { planProperties, type PropertyPlan } from './properties.ts';

/** Optional HubSpot APIs a configuration may use (the forms and email-events endpoints). */
export interface MarketingUse {
  forms?: boolean;
  emailEvents?: boolean;
}

const NOT_SUBSCRIBED = new Set(['lastmodifieddate', 'hs_lastmodifieddate', 'createdate', 'hs_object_id']);

/** The scopes the app needs for this configuration, sorted. */
export function neededScopes(fields: FieldsConfig, use: MarketingUse = {}): string[] {
  const plan = planProperties(fields);
  const scopes = new Set([
    'crm.objects.contacts.read',
    'crm.objects.contacts.write',
    'crm.schemas.contacts.read',
    'crm.objects.companies.read',
    'crm.schemas.companies.read',
    'crm.objects.owners.read',
  ]);
  if (plan.writes.contact.length) scopes.add('crm.schemas.contacts.write');
  if (fields.deal)
    for (const s of ['crm.objects.deals.read', 'crm.objects.deals.write', 'crm.schemas.deals.read']) scopes.add(s);
  if (plan.writes.deal.length) scopes.add('crm.schemas.deals.write');
  if (use.forms) scopes.add('forms');
  if (use.emailEvents) scopes.add('content');
  return [...scopes].sort();
}

export interface LegacySubscription {
  subscriptionType: string;
  propertyName?: string;
  active: true;
}

/** The properties whose changes Baton must hear of: what it reads, not what only it writes. */
function watched(props: string[], plan: PropertyPlan): string[] {
  const own = new Set([...plan.writes.contact, ...plan.writes.deal].map((w) => w.name));
  return props.filter((p) => !NOT_SUBSCRIBED.has(p) && !own.has(p));
}

/** The webhook subscriptions this configuration needs. */
export function webhookSubscriptions(fields: FieldsConfig): LegacySubscription[] {
  const plan = planProperties(fields);
  const out: LegacySubscription[] = ['contact.creation', 'contact.deletion', 'contact.merge'].map((t) => ({
    subscriptionType: t,
    active: true,
  }));
  for (const p of watched(plan.contact, plan))
    out.push({ subscriptionType: 'contact.propertyChange', propertyName: p, active: true });
  if (fields.deal) {
    out.push({ subscriptionType: 'deal.creation', active: true }, { subscriptionType: 'deal.deletion', active: true });
    for (const p of watched(plan.deal, plan))
      out.push({ subscriptionType: 'deal.propertyChange', propertyName: p, active: true });
  }
  return out;
}

/** Where HubSpot must send webhooks for a Baton reachable at `publicUrl`. */
export function webhookTarget(publicUrl: string): string {
  return `${publicUrl.replace(/\/$/, '')}/webhooks/hubspot`;
}
