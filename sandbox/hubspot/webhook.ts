/**
 * HubSpot's side of a webhook delivery: the events it sends and the v3 signature it puts on them
 * (base64 HMAC-SHA256 of method + decoded URI + body + timestamp, keyed with the app secret).
 */
import { createHmac } from 'node:crypto';

export interface HubSpotWebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  changeSource?: string;
  sourceId?: string;
  propertyName?: string;
  propertyValue?: string;
  changeFlag?: string;
  mergedObjectIds?: number[];
  primaryObjectId?: number;
  newObjectId?: number;
  numberOfPropertiesMoved?: number;
}

const DECODED: Record<string, string> = {
  '3A': ':',
  '2F': '/',
  '3F': '?',
  '40': '@',
  '21': '!',
  '24': '$',
  '27': "'",
  '28': '(',
  '29': ')',
  '2A': '*',
  '2C': ',',
  '3B': ';',
};

/** The v3 signature of one request as HubSpot computes it, over the URI with its listed escapes decoded. */
export function signV3(secret: string, method: string, uri: string, body: string, timestamp: number | string): string {
  const decoded = uri.replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi,
    (_m, hex: string) => DECODED[hex.toUpperCase()],
  );
  return createHmac('sha256', secret).update(`${method}${decoded}${body}${timestamp}`, 'utf8').digest('base64');
}

/** A delivery of `events` to `url`: the raw body and the headers HubSpot sends with it. */
export function signedWebhook(
  events: HubSpotWebhookEvent[],
  secret: string,
  url: string,
  timestamp = Date.now(),
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(events);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-hubspot-signature-v3': signV3(secret, 'POST', url, body, timestamp),
      'x-hubspot-request-timestamp': String(timestamp),
      'x-hubspot-signature-version': 'v3',
    },
  };
}
