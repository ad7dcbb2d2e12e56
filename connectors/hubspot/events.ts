/**
 * Engagement events from what HubSpot exposes (see README): the contact's own analytics
 * properties (last form conversion, last email open/click, last page seen, latest traffic source)
 * ride along on every hydration at no extra call; the form-submissions and email-events APIs give
 * the full history when their scopes are granted. Pure mapping, no I/O. Event ids are derived from
 * HubSpot's ids and times, so re-reading a contact never yields a new event.
 */
import type { CrmRecord, EngagementEvent } from '../types.ts';

/** Contact properties read for engagement. */
export const ENGAGEMENT_PROPERTIES = [
  'recent_conversion_event_name',
  'recent_conversion_date',
  'first_conversion_event_name',
  'first_conversion_date',
  'hs_email_last_open_date',
  'hs_email_last_click_date',
  'hs_email_last_email_name',
  'hs_analytics_last_url',
  'hs_analytics_last_timestamp',
  'hs_latest_source',
  'hs_latest_source_data_1',
  'hs_latest_source_data_2',
];

const SOURCE_CHANNEL: Record<string, string> = {
  ORGANIC_SEARCH: 'organic',
  PAID_SEARCH: 'paid_search',
  EMAIL_MARKETING: 'email',
  SOCIAL_MEDIA: 'social',
  PAID_SOCIAL: 'paid_social',
  REFERRALS: 'referral',
  DIRECT_TRAFFIC: 'direct',
  OTHER_CAMPAIGNS: 'other_campaigns',
  OFFLINE: 'offline',
  AI_REFERRALS: 'ai_referral',
};

const MEDIUM_CHANNEL: Record<string, string> = {
  cpc: 'paid_search',
  ppc: 'paid_search',
  email: 'email',
  social: 'social',
  webinar: 'webinar',
  organic: 'organic',
  referral: 'referral',
  display: 'display',
};

/** `utm_campaign` / `utm_medium` / `utm_source` of a URL, when it has them. */
export function utmOf(url: string | undefined | null): { campaign?: string; channel?: string; source?: string } {
  if (!url) return {};
  try {
    const q = new URL(url).searchParams;
    const medium = q.get('utm_medium')?.toLowerCase();
    return {
      campaign: q.get('utm_campaign') ?? undefined,
      channel: medium ? (MEDIUM_CHANNEL[medium] ?? medium) : undefined,
      source: q.get('utm_source') ?? undefined,
    };
  } catch {
    return {};
  }
}

function iso(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  const s = String(v);
  const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

const clean = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''));

/** The engagement events a hydrated contact's analytics properties describe. */
export function eventsFromContact(record: CrmRecord): EngagementEvent[] {
  const p = record.properties;
  const email = typeof p.email === 'string' ? p.email.trim().toLowerCase() : '';
  if (!email || record.object !== 'contact') return [];
  const source = typeof p.hs_latest_source === 'string' ? SOURCE_CHANNEL[p.hs_latest_source] : undefined;
  const sourceCampaign = (p.hs_latest_source_data_1 as string | undefined) || undefined;
  const out: EngagementEvent[] = [];
  const push = (kind: string, type: string, at: string | null, properties: Record<string, unknown>) => {
    if (at)
      out.push({
        id: `hubspot:${kind}:${record.id}:${Date.parse(at)}`,
        email,
        type,
        at,
        properties: clean(properties),
      });
  };
  const pageUtm = utmOf(p.hs_analytics_last_url as string | undefined);
  for (const which of ['first', 'recent'] as const) {
    const at = iso(p[`${which}_conversion_date`]);
    const form = p[`${which}_conversion_event_name`];
    if (which === 'first' && at && at === iso(p.recent_conversion_date)) continue;
    push('form', 'form_submission', at, {
      form,
      campaign: which === 'recent' ? (pageUtm.campaign ?? sourceCampaign) : undefined,
      channel: which === 'recent' ? (pageUtm.channel ?? source) : undefined,
    });
  }
  const emailName = p.hs_email_last_email_name;
  push('email-open', 'email_open', iso(p.hs_email_last_open_date), {
    email_name: emailName,
    campaign: emailName,
    channel: 'email',
  });
  push('email-click', 'email_click', iso(p.hs_email_last_click_date), {
    email_name: emailName,
    campaign: emailName,
    channel: 'email',
  });
  push('page', 'page_view', iso(p.hs_analytics_last_timestamp), {
    url: p.hs_analytics_last_url,
    campaign: pageUtm.campaign,
    channel: pageUtm.channel ?? source,
  });
  return out;
}

export interface FormSubmission {
  conversionId: string;
  submittedAt: number;
  values: { name: string; value: string }[];
  pageUrl?: string;
}

/** One submission of the forms API (`/form-integrations/v1/submissions/forms/{guid}`) as an event; null without an email. */
export function eventFromFormSubmission(
  form: { guid: string; name: string },
  s: FormSubmission,
): EngagementEvent | null {
  const email = s.values
    .find((v) => v.name === 'email')
    ?.value?.trim()
    .toLowerCase();
  if (!email) return null;
  const utm = utmOf(s.pageUrl);
  return {
    id: `hubspot:form-submission:${s.conversionId}`,
    email,
    type: 'form_submission',
    at: new Date(s.submittedAt).toISOString(),
    properties: clean({
      form: form.name,
      form_id: form.guid,
      url: s.pageUrl,
      campaign: utm.campaign,
      channel: utm.channel,
      utm_source: utm.source,
    }),
  };
}

export interface EmailEvent {
  id: string;
  created: number;
  type: string;
  recipient: string;
  emailCampaignId?: number;
  url?: string;
}

/** An OPEN or CLICK of the email events API as an event; null for other types (SENT, BOUNCE…). */
export function eventFromEmailEvent(e: EmailEvent, campaignName?: string): EngagementEvent | null {
  const type = e.type === 'OPEN' ? 'email_open' : e.type === 'CLICK' ? 'email_click' : null;
  if (!type || !e.recipient) return null;
  return {
    id: `hubspot:email-event:${e.id}`,
    email: e.recipient.trim().toLowerCase(),
    type,
    at: new Date(e.created).toISOString(),
    properties: clean({
      campaign: campaignName ?? (e.emailCampaignId !== undefined ? String(e.emailCampaignId) : undefined),
      channel: 'email',
      url: e.url,
      email_campaign_id: e.emailCampaignId,
    }),
  };
}
