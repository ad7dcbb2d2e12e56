/**
 * The marketing APIs behind the engagement events (see README): form submissions
 * (`/form-integrations/v1/submissions/forms/{guid}`, scope `forms`) and email events
 * (`/email/public/v1/events`, scope `content`). The SDK has no models for these legacy endpoints,
 * so they go through its generic `apiRequest`, under the same limiter and retry policy.
 */
import type { EngagementEvent } from '../types.ts';
import type { HubSpotApi } from './client.ts';
import { eventFromEmailEvent, eventFromFormSubmission, type EmailEvent, type FormSubmission } from './events.ts';

/** Submissions come newest first; paging stops at the first one older than `sinceMs`. */
export async function fetchFormSubmissions(
  api: HubSpotApi,
  forms: { guid: string; name: string }[],
  sinceMs: number,
): Promise<EngagementEvent[]> {
  const out: EngagementEvent[] = [];
  for (const form of forms) {
    let after: string | undefined;
    for (;;) {
      const page = await api.request<{ results: FormSubmission[]; paging?: { next?: { after: string } } }>(
        `form submissions ${form.guid}`,
        {
          path: `/form-integrations/v1/submissions/forms/${encodeURIComponent(form.guid)}`,
          qs: { limit: '50', ...(after ? { after } : {}) },
        },
      );
      let older = false;
      for (const s of page.results) {
        if (s.submittedAt < sinceMs) older = true;
        else {
          const e = eventFromFormSubmission(form, s);
          if (e) out.push(e);
        }
      }
      after = page.paging?.next?.after;
      if (older || !after) break;
    }
  }
  return out;
}

/** OPEN and CLICK events of one recipient since `sinceMs`, with campaign names looked up once each. */
export async function fetchEmailEvents(
  api: HubSpotApi,
  recipient: string,
  sinceMs: number,
): Promise<EngagementEvent[]> {
  const raw: EmailEvent[] = [];
  for (const eventType of ['OPEN', 'CLICK']) {
    let offset: string | undefined;
    for (;;) {
      const page = await api.request<{ events: EmailEvent[]; hasMore: boolean; offset?: string }>(
        `email events ${eventType}`,
        {
          path: '/email/public/v1/events',
          qs: { recipient, eventType, startTimestamp: String(sinceMs), limit: '1000', ...(offset ? { offset } : {}) },
        },
      );
      raw.push(...page.events);
      if (!page.hasMore || !page.offset) break;
      offset = page.offset;
    }
  }
  const names = new Map<number, string | undefined>();
  for (const id of new Set(raw.map((e) => e.emailCampaignId).filter((x): x is number => x !== undefined))) {
    try {
      const c = await api.request<{ name?: string }>(`email campaign ${id}`, {
        path: `/email/public/v1/campaigns/${id}`,
      });
      names.set(id, c.name);
    } catch {
      names.set(id, undefined);
    }
  }
  return raw
    .map((e) => eventFromEmailEvent(e, e.emailCampaignId !== undefined ? names.get(e.emailCampaignId) : undefined))
    .filter((e): e is EngagementEvent => e !== null);
}
