/**
 * Salesforce Outbound Messages (`POST /webhooks/salesforce/outbound`): a SOAP `notifications`
 * envelope of up to 100 notifications. Only `orgId`'s messages are taken. The dedup key is the
 * notification Id, which Salesforce keeps when it resends (for up to 24 hours, possibly out of
 * order), so items carry the sObject's SystemModstamp for ordering. The server persists the items
 * and only then answers with `ack`: anything not acknowledged is sent again.
 */
import { XMLParser } from 'fast-xml-parser';
import { instantProblem } from '../../src/platform/edge-input.ts';
import type { CrmObject, InboxItem } from '../types.ts';
import { sameSalesforceId } from './ids.ts';
import { normalizeSfDate } from './soql.ts';

/** Salesforce sends at most 100 notifications in one message. */
export const MAX_NOTIFICATIONS = 100;

const OBJECTS = new Set<CrmObject>([
  'Lead',
  'Contact',
  'Account',
  'Opportunity',
  'OpportunityContactRole',
  'CampaignMember',
]);

export const OUTBOUND_ACK = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
 <soapenv:Body>
  <notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">
   <Ack>true</Ack>
  </notificationsResponse>
 </soapenv:Body>
</soapenv:Envelope>`;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A SOAP fault, the body Salesforce logs for a refused message. */
export function soapFault(code: 'soapenv:Client' | 'soapenv:Server', message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
 <soapenv:Body>
  <soapenv:Fault><faultcode>${code}</faultcode><faultstring>${esc(message)}</faultstring></soapenv:Fault>
 </soapenv:Body>
</soapenv:Envelope>`;
}

export type OutboundResult =
  | { ok: true; items: InboxItem[]; ack: string }
  | { ok: false; status: number; error: string; field?: string; fault?: string };

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => name === 'Notification',
});

function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o['@_nil'] === 'true') return undefined;
    return o['#text'] === undefined ? undefined : String(o['#text']);
  }
  return String(v);
}

/** Parses an Outbound Message, refusing other orgs; `items` are ready for the inbox. */
export function receiveOutboundMessage(
  req: { rawBody: string | Buffer },
  opts: { orgId: string | undefined; now?: () => Date },
): OutboundResult {
  const bad = (status: number, error: string, field?: string): OutboundResult => ({
    ok: false,
    status,
    error,
    ...(field ? { field } : {}),
    fault: soapFault(status >= 500 ? 'soapenv:Server' : 'soapenv:Client', error),
  });
  if (!opts.orgId) return bad(503, 'SALESFORCE_ORG_ID is not set; Outbound Messages are refused');
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(req.rawBody.toString()) as Record<string, unknown>;
  } catch (err) {
    return bad(400, `body is not XML: ${(err as Error).message}`);
  }
  const body = (doc.Envelope as Record<string, unknown> | undefined)?.Body as Record<string, unknown> | undefined;
  const n = body?.notifications as Record<string, unknown> | undefined;
  if (!n || typeof n !== 'object')
    return bad(400, 'expected a SOAP envelope with a notifications element', 'notifications');
  const org = text(n.OrganizationId);
  if (!org) return bad(400, 'notifications has no OrganizationId', 'OrganizationId');
  // Exact: the 15-character id, or its 18-character form with the right case checksum; nothing else.
  if (!sameSalesforceId(org, opts.orgId))
    return bad(
      403,
      `Outbound Message from org ${org} refused: Baton takes messages from ${opts.orgId} only`,
      'OrganizationId',
    );
  const notes = n.Notification;
  if (notes !== undefined && !Array.isArray(notes))
    return bad(400, 'Notification: expected Notification elements', 'Notification');
  if ((notes?.length ?? 0) > MAX_NOTIFICATIONS)
    return bad(
      400,
      `Notification: at most ${MAX_NOTIFICATIONS} notifications per message (Salesforce sends no more)`,
      'Notification',
    );
  const receivedAt = (opts.now?.() ?? new Date()).toISOString();
  const items: InboxItem[] = [];
  for (const [i, note] of ((notes as unknown[] | undefined) ?? []).entries()) {
    const field = `Notification.${i}`;
    if (!note || typeof note !== 'object') return bad(400, `${field}: a Notification needs Id and sObject`, field);
    const entry = note as Record<string, unknown>;
    const notificationId = text(entry.Id);
    const so = entry.sObject as Record<string, unknown> | undefined;
    if (!notificationId || !so || typeof so !== 'object')
      return bad(
        400,
        `${field}: a Notification needs Id and sObject`,
        notificationId ? `${field}.sObject` : `${field}.Id`,
      );
    const type = String(so['@_type'] ?? '').replace(/^.*:/, '') as CrmObject;
    const id = text(so.Id);
    if (!id)
      return bad(400, `${field}.sObject.Id: Notification ${notificationId} has no sObject Id`, `${field}.sObject.Id`);
    if (!OBJECTS.has(type)) continue; // other objects are not Baton's; acknowledged so they are not resent
    const hint: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(so)) if (!k.startsWith('@_') && k !== 'Id') hint[k] = text(v) ?? null;
    const stampField = text(so.SystemModstamp) !== undefined ? 'SystemModstamp' : 'LastModifiedDate';
    const stamp = text(so.SystemModstamp) ?? text(so.LastModifiedDate);
    const stampProblem = stamp === undefined ? null : instantProblem(normalizeSfDate(stamp), { requireTime: true });
    // Refused, not a 5xx: Salesforce would resend a message Baton cannot read for 24 hours.
    if (stampProblem)
      return bad(400, `${field}.sObject.${stampField}: ${stampProblem}`, `${field}.sObject.${stampField}`);
    items.push({
      source: 'salesforce',
      dedupKey: `salesforce:outbound:${notificationId}`,
      receivedAt,
      body: {
        kind: 'change',
        ref: {
          crm: 'salesforce',
          object: type,
          id,
          ...(stamp ? { at: new Date(normalizeSfDate(stamp)).toISOString() } : {}),
        },
        hint,
        changeSource: 'outbound_message',
        ...(text(so.LastModifiedById) ? { sourceId: text(so.LastModifiedById) } : {}),
      },
    });
  }
  return { ok: true, items, ack: OUTBOUND_ACK };
}
