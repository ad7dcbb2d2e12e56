/**
 * Marketing data of the fake HubSpot that lives outside the CRM objects: owners, form submissions
 * (`/form-integrations/v1/submissions/forms/{guid}`, newest first, ≤ 50 a page) and email events
 * (`/email/public/v1/events`, filtered by recipient and type).
 */
import type { FakeRequest, FakeResponse } from '../types.ts';

export interface FakeOwner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
}

export interface FakeFormSubmission {
  conversionId: string;
  submittedAt: number;
  values: { name: string; value: string }[];
  pageUrl: string;
}

export interface FakeEmailEvent {
  id: string;
  created: number;
  type: 'OPEN' | 'CLICK' | 'SENT' | 'DELIVERED';
  recipient: string;
  emailCampaignId: number;
  portalId: number;
  appId: number;
  url?: string;
}

export class FakeMarketing {
  readonly owners: FakeOwner[] = [];
  readonly submissions = new Map<string, FakeFormSubmission[]>();
  readonly emailEvents: FakeEmailEvent[] = [];
  /** `emailCampaignId` → campaign name (`/email/public/v1/campaigns/{id}`). */
  readonly campaigns = new Map<number, string>();

  route(req: FakeRequest): FakeResponse | null {
    const p = req.url.pathname;
    const q = req.url.searchParams;
    if (req.method === 'GET' && (p === '/crm/v3/owners' || p === '/crm/v3/owners/'))
      return { status: 200, body: { results: this.owners.map((o) => ({ ...o, archived: false })) } };
    const form = /^\/form-integrations\/v1\/submissions\/forms\/([^/]+)$/.exec(p);
    if (req.method === 'GET' && form) {
      const limit = Math.min(Number(q.get('limit') ?? 20), 50);
      const all = [...(this.submissions.get(decodeURIComponent(form[1])) ?? [])].sort(
        (a, b) => b.submittedAt - a.submittedAt,
      );
      const start = Number(q.get('after') ?? 0);
      const page = all.slice(start, start + limit);
      return {
        status: 200,
        body: {
          results: page,
          ...(start + limit < all.length ? { paging: { next: { after: String(start + limit), link: '' } } } : {}),
        },
      };
    }
    if (req.method === 'GET' && p === '/email/public/v1/events') {
      const limit = Math.min(Number(q.get('limit') ?? 100), 1000);
      const since = Number(q.get('startTimestamp') ?? 0);
      const all = this.emailEvents
        .filter(
          (e) =>
            (!q.get('recipient') || e.recipient === q.get('recipient')) &&
            (!q.get('eventType') || e.type === q.get('eventType')) &&
            e.created >= since,
        )
        .sort((a, b) => a.created - b.created);
      const start = Number(q.get('offset') ?? 0);
      return {
        status: 200,
        body: {
          events: all.slice(start, start + limit),
          hasMore: start + limit < all.length,
          offset: String(start + limit),
        },
      };
    }
    const camp = /^\/email\/public\/v1\/campaigns\/(\d+)$/.exec(p);
    if (req.method === 'GET' && camp) {
      const name = this.campaigns.get(Number(camp[1]));
      return name
        ? { status: 200, body: { id: Number(camp[1]), name } }
        : { status: 404, body: { status: 'error', message: 'campaign not found' } };
    }
    return null;
  }
}
