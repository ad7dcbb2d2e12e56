/** The few calls the demo makes to Baton's HTTP API: read people, the funnel and attribution; post signed events. */
import { hmacHex } from '../../src/platform/signature.ts';

export interface DemoEvent {
  id: string;
  email: string;
  type: string;
  at: string;
  properties: Record<string, unknown>;
}

export interface PersonView {
  email?: string;
  stage?: string;
  scores?: { fit?: number; engagement?: number };
  explanation?: string[];
  sla?: { due?: string | null; breached?: boolean } | null;
  routing?: { rule?: string; user?: string; reason?: string };
  transitions?: { from?: string; to?: string; at?: string; cause?: string; version?: number }[];
}

/** The parts of `GET /api/funnel` the demo tells (docs/http-api.md has the whole shape). */
export interface FunnelView {
  entered?: Record<string, number>;
  reject_reasons?: Record<string, number>;
  sla?: { open?: number; answered_in_time?: number; breached?: number };
  sla_detail?: {
    median_baton_delay_minutes?: number | null;
    median_rep_delay_hours?: number | null;
    share_in_time?: number | null;
  };
}

/** The parts of `GET /api/attribution` the demo tells. */
export interface AttributionView {
  revenue?: number;
  deals?: number;
  model?: string;
  by_campaign?: Record<string, number>;
}

export interface BatonApi {
  readonly url: string;
  person(email: string): Promise<PersonView | null>;
  funnel(): Promise<FunnelView | null>;
  attribution(): Promise<AttributionView | null>;
  /** Posts events signed with `X-Baton-Signature` (as a website or another system would); true on 2xx. */
  postEvents(events: DemoEvent[]): Promise<boolean>;
}

/** A client for Baton at `url` with its API token and webhook secret. */
export function batonApi(url: string, token: string, webhookSecret: string): BatonApi {
  const get = async (path: string) => {
    try {
      const res = await fetch(`${url}${path}`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(5000),
      });
      return res.ok ? await res.json() : null;
    } catch {
      return null;
    }
  };
  return {
    url,
    person: (email) => get(`/api/people/${encodeURIComponent(email)}`),
    funnel: () => get('/api/funnel'),
    attribution: () => get('/api/attribution'),
    async postEvents(events) {
      const body = JSON.stringify(events);
      try {
        const res = await fetch(`${url}/api/events`, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'x-baton-signature': `sha256=${hmacHex(webhookSecret, body)}`,
          },
          signal: AbortSignal.timeout(5000),
        });
        return res.ok;
      } catch {
        return false;
      }
    },
  };
}
