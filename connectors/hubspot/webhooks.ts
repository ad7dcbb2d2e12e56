/**
 * The HubSpot webhook receiver, framework-agnostic: checks the v3 signature (base64 HMAC-SHA256 of
 * method + URI + body + timestamp with the app secret, timestamp within 5 minutes), validates the
 * event array and turns each event into an inbox item. The server stores the items before it
 * answers 2xx; a duplicate delivery yields the same dedup keys.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { epochMs, parseJsonInput, pathName } from '../../src/platform/edge-input.ts';
import { InputError } from '../../src/platform/errors.ts';
import { safeEqual } from '../../src/platform/signature.ts';
import type { CrmObject, InboxItem } from '../types.ts';

export const SIGNATURE_WINDOW_MS = 5 * 60_000;

export interface WebhookRequest {
  method: string;
  /** The full URL HubSpot called (scheme, host, path, query): `BATON_PUBLIC_URL` + path behind a proxy. */
  uri: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string | Buffer;
}

export type WebhookResult =
  { ok: true; items: InboxItem[] } | { ok: false; status: 400 | 401; error: string; field?: string };

const id = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);

export const hubspotEvent = z.object({
  eventId: id,
  subscriptionId: id,
  portalId: id,
  appId: id,
  occurredAt: epochMs,
  subscriptionType: z.string().regex(/^[a-z_]+\.[A-Za-z]+$/, 'expected OBJECT.EVENT, e.g. contact.propertyChange'),
  attemptNumber: z.number().int().nonnegative(),
  objectId: id,
  propertyName: z.string().optional(),
  propertyValue: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  changeSource: z.string().optional(),
  sourceId: z.union([z.string(), z.number()]).transform(String).optional(),
  changeFlag: z.string().optional(),
  mergedObjectIds: z.array(id).optional(),
  primaryObjectId: id.optional(),
  newObjectId: id.optional(),
  fromObjectId: id.optional(),
  toObjectId: id.optional(),
  associationType: z.string().optional(),
});
export type HubSpotEvent = z.infer<typeof hubspotEvent>;

/** HubSpot delivers at most 100 events per request. */
export const webhookBody = z.array(hubspotEvent).max(100);

const OBJECTS: Record<string, CrmObject> = { contact: 'contact', company: 'company', deal: 'deal' };

/** The escapes HubSpot decodes in the URI before it signs (all others stay encoded). */
const DECODE: Record<string, string> = {
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

/** The URI as HubSpot puts it in the signed string. */
export function decodeSignedUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (_m, hex: string) => DECODE[hex.toUpperCase()]);
}

function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const v = key ? headers[key] : undefined;
  return Array.isArray(v) ? v[0] : v;
}

/** Checks `X-HubSpot-Signature-v3` and its timestamp; returns the reason when it does not hold. */
export function verifyHubSpotSignature(req: WebhookRequest, secret: string, now: number): string | null {
  const signature = header(req.headers, 'x-hubspot-signature-v3');
  const timestamp = header(req.headers, 'x-hubspot-request-timestamp');
  if (!signature || !timestamp) return 'missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp';
  const ts = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || Math.abs(now - ts) > SIGNATURE_WINDOW_MS)
    return 'X-HubSpot-Request-Timestamp is outside the 5-minute window';
  const body = typeof req.rawBody === 'string' ? req.rawBody : req.rawBody.toString('utf8');
  const expected = createHmac('sha256', secret)
    .update(`${req.method.toUpperCase()}${decodeSignedUri(req.uri)}${body}${timestamp}`, 'utf8')
    .digest('base64');
  return safeEqual(signature.trim(), expected) ? null : 'X-HubSpot-Signature-v3 does not match';
}

/** The dedup key of one event: `eventId` alone is not unique across subscriptions and objects. */
export function dedupKey(e: Pick<HubSpotEvent, 'eventId' | 'subscriptionId' | 'objectId' | 'occurredAt'>): string {
  return `${e.eventId}:${e.subscriptionId}:${e.objectId}:${e.occurredAt}`;
}

/** The inbox item of one event; null for objects Baton does not follow (tickets, …). */
export function itemOf(e: HubSpotEvent, receivedAt: string): InboxItem | null {
  const [objectName, kind] = e.subscriptionType.split('.');
  const object = OBJECTS[objectName];
  if (!object) return null;
  const at = new Date(e.occurredAt).toISOString();
  const base = { source: 'hubspot' as const, dedupKey: dedupKey(e), receivedAt };
  if (kind === 'merge') {
    const into = e.newObjectId ?? e.primaryObjectId ?? e.objectId;
    const merged = [
      ...new Set([
        ...(e.mergedObjectIds ?? []),
        ...(e.primaryObjectId && e.primaryObjectId !== into ? [e.primaryObjectId] : []),
      ]),
    ].filter((m) => m !== into);
    return { ...base, body: { kind: 'merge', ref: { crm: 'hubspot', object, id: into, at }, mergedIds: merged } };
  }
  const objectId = kind === 'associationChange' && e.fromObjectId ? e.fromObjectId : e.objectId;
  const hint: Record<string, unknown> | undefined =
    kind === 'propertyChange' && e.propertyName
      ? { [e.propertyName]: e.propertyValue ?? null }
      : kind === 'deletion' || kind === 'privacyDeletion'
        ? { deleted: true }
        : undefined;
  return {
    ...base,
    body: {
      kind: 'change',
      ref: { crm: 'hubspot', object, id: objectId, at },
      ...(hint ? { hint } : {}),
      ...(e.changeSource ? { changeSource: e.changeSource } : {}),
      ...(e.sourceId ? { sourceId: e.sourceId } : {}),
    },
  };
}

function describe(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  return `${path || 'body'}: ${issue.message}`;
}

/** Verifies and parses one delivery. Bad signature → 401; a body that is not HubSpot's event array → 400 naming the field. */
export function receiveHubSpotWebhook(
  req: WebhookRequest,
  opts: { clientSecret: string; now?: number },
): WebhookResult {
  const now = opts.now ?? Date.now();
  if (!opts.clientSecret)
    return { ok: false, status: 401, error: 'HUBSPOT_CLIENT_SECRET is not set: signatures cannot be checked' };
  const bad = verifyHubSpotSignature(req, opts.clientSecret, now);
  if (bad) return { ok: false, status: 401, error: bad };
  let json: unknown;
  try {
    json = parseJsonInput(req.rawBody);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { ok: false, status: 400, error: err.message, field: String(err.details.field ?? 'body') };
  }
  const parsed = webhookBody.safeParse(json);
  if (!parsed.success)
    return {
      ok: false,
      status: 400,
      error: parsed.error.issues.slice(0, 3).map(describe).join('; '),
      field: pathName(parsed.error.issues[0].path) || 'body',
    };
  const receivedAt = new Date(now).toISOString();
  return { ok: true, items: parsed.data.map((e) => itemOf(e, receivedAt)).filter((i): i is InboxItem => i !== null) };
}
