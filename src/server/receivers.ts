/**
 * The webhook receivers the server calls: framework-agnostic functions of each connector that
 * check the signature and turn a request into inbox items.
 */
import { receiveHubSpotWebhook } from '../../connectors/hubspot/index.ts';
import { receiveOutboundMessage, receiveSignedChanges } from '../../connectors/salesforce/index.ts';
import type { InboxItem } from '../../connectors/types.ts';

/** A refusal names the field at fault (`changes.0.id`, `0.occurredAt`) when there is one; the route falls back to `body`. */
export type ReceiveResult =
  { ok: true; items: InboxItem[]; ack?: string } | { ok: false; status: number; error: string; field?: string };

export interface Receivers {
  /** `POST /webhooks/hubspot`; `uri` is the URL as HubSpot called it. */
  hubspot?(req: {
    method: string;
    uri: string;
    headers: Record<string, string>;
    rawBody: string;
  }): ReceiveResult | Promise<ReceiveResult>;
  /** `POST /webhooks/salesforce/outbound` (SOAP); `ack` is the SOAP answer. */
  outbound?(req: { rawBody: string }): ReceiveResult | Promise<ReceiveResult>;
  /** `POST /webhooks/salesforce`: signed JSON changes. */
  signed?(req: { rawBody: string; signature: string | undefined }): ReceiveResult | Promise<ReceiveResult>;
}

export interface ReceiverSecrets {
  /** `HUBSPOT_CLIENT_SECRET`. */
  hubspotClientSecret?: string;
  /** `SALESFORCE_ORG_ID`. */
  salesforceOrgId?: string;
  /** `BATON_WEBHOOK_SECRET`. */
  webhookSecret?: string;
  /** The Salesforce connector is on (default: `salesforceOrgId` is set); signed changes are refused (404 `connector_off`) without it. */
  salesforce?: boolean;
  now?: () => Date;
}

/** The receivers of the connectors that are on; a missing secret turns its route off. */
export function connectorReceivers(s: ReceiverSecrets): Receivers {
  const now = s.now ?? (() => new Date());
  const out: Receivers = {};
  if (s.hubspotClientSecret) {
    const secret = s.hubspotClientSecret;
    out.hubspot = (req) => receiveHubSpotWebhook(req, { clientSecret: secret, now: now().getTime() });
  }
  if (s.salesforceOrgId) {
    const orgId = s.salesforceOrgId;
    out.outbound = (req) => {
      const r = receiveOutboundMessage(req, { orgId, now });
      if (r.ok) return { ok: true, items: r.items, ack: r.ack };
      // Bad input is never a 5xx; the SOAP fault text goes into the JSON error.
      return {
        ok: false,
        status: r.status >= 500 ? 400 : r.status,
        error: r.error,
        ...(r.field ? { field: r.field } : {}),
      };
    };
  }
  // Without the connector nothing would read the record a change names: refused like HubSpot's, not acknowledged and dropped.
  if (s.webhookSecret && (s.salesforce ?? !!s.salesforceOrgId)) {
    const secret = s.webhookSecret;
    out.signed = (req) => {
      const r = receiveSignedChanges(req, { secret, now });
      return r.ok ? r : { ok: false, status: r.status, error: r.error, ...(r.field ? { field: r.field } : {}) };
    };
  }
  return out;
}
