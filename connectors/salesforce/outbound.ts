/**
 * Salesforce Outbound Messages (`POST /webhooks/salesforce/outbound`): a SOAP `notifications`
 * envelope of up to 100 notifications. Only `orgId`'s messages are taken. The dedup key is the
 * notification Id, which Salesforce keeps when it resends (for up to 24 hours, possibly out of
 * order), so items carry the sObject's SystemModstamp for ordering. The server persists the items
 * and only then answers with `ack`: anything not acknowledged is sent again.
 */
import { XMLParser } from 'fast-xml-parser';
import type { CrmObject, InboxItem } from '../types.ts';
import { normalizeSfDate } from './soql.ts';

const OBJECTS = new Set<CrmObject>(['Lead', 'Contact', 'Account', 'Opportunity', 'OpportunityContactRole', 'CampaignMember']);

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

export type OutboundResult = { ok: true; items: InboxItem[]; ack: string } | { ok: false; status: number; error: string; fault?: string };

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => name === 'Notification',
});

/** 15- and 18-character ids name the same record when their first 15 characters match. */
const sameId = (a: string, b: string) => a.slice(0, 15) === b.slice(0, 15);

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
export function receiveOutboundMessage(req: { rawBody: string | Buffer }, opts: { orgId: string | undefined; now?: () => Date }): OutboundResult {
  const bad = (status: number, error: string): OutboundResult => ({ ok: false, status, error, fault: soapFault(status >= 500 ? 'soapenv:Server' : 'soapenv:Client', error) });
  if (!opts.orgId) return bad(503, 'SALESFORCE_ORG_ID is not set; Outbound Messages are refused');
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(req.rawBody.toString()) as Record<string, unknown>;
  } catch (err) {
    return bad(400, `body is not XML: ${(err as Error).message}`);
  }
  const body = (doc.Envelope as Record<string, unknown> | undefined)?.Body as Record<string, unknown> | undefined;
  const n = body?.notifications as Record<string, unknown> | undefined;
  if (!n) return bad(400, 'expected a SOAP envelope with a notifications element');
  const org = text(n.OrganizationId);
  if (!org) return bad(400, 'notifications has no OrganizationId');
  if (!sameId(org, opts.orgId)) return bad(403, `Outbound Message from org ${org} refused: Baton takes messages from ${opts.orgId} only`);
  const receivedAt = (opts.now?.() ?? new Date()).toISOString();
  const items: InboxItem[] = [];
  for (const note of (n.Notification as Record<string, unknown>[] | undefined) ?? []) {
    const notificationId = text(note.Id);
    const so = note.sObject as Record<string, unknown> | undefined;
    if (!notificationId || !so) return bad(400, 'a Notification needs Id and sObject');
    const type = String(so['@_type'] ?? '').replace(/^.*:/, '') as CrmObject;
    const id = text(so.Id);
    if (!id) return bad(400, `Notification ${notificationId} has no sObject Id`);
    if (!OBJECTS.has(type)) continue; // other objects are not Baton's; acknowledged so they are not resent
    const hint: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(so)) if (!k.startsWith('@_') && k !== 'Id') hint[k] = text(v) ?? null;
    const stamp = text(so.SystemModstamp) ?? text(so.LastModifiedDate);
    items.push({
      source: 'salesforce',
      dedupKey: `salesforce:outbound:${notificationId}`,
      receivedAt,
      body: {
        kind: 'change',
        ref: { crm: 'salesforce', object: type, id, ...(stamp ? { at: new Date(normalizeSfDate(stamp)).toISOString() } : {}) },
        hint,
        changeSource: 'outbound_message',
        ...(text(so.LastModifiedById) ? { sourceId: text(so.LastModifiedById) } : {}),
      },
    });
  }
  return { ok: true, items, ack: OUTBOUND_ACK };
}
