/** Pure conversion of query rows into `CrmRecord`s. */
import type { CrmObject, CrmRecord } from '../types.ts';
import { normalizeSfDate } from './soql.ts';

/** A queried row as a `CrmRecord`: `modifiedAt` from SystemModstamp, `changedBy` from LastModifiedById, and its links. */
export function toCrmRecord(object: CrmObject, row: Record<string, unknown>): CrmRecord {
  const { attributes: _attributes, ...properties } = row;
  for (const [k, v] of Object.entries(properties)) if (v === '') properties[k] = null; // Bulk CSV gives blanks as ''
  const id = String(properties.Id);
  const rec: CrmRecord = {
    crm: 'salesforce',
    object,
    id,
    modifiedAt: properties.SystemModstamp
      ? new Date(normalizeSfDate(String(properties.SystemModstamp))).toISOString()
      : new Date(0).toISOString(),
    properties,
    changedBy: properties.LastModifiedById ? String(properties.LastModifiedById) : undefined,
  };
  const links: Record<string, string[]> = {};
  const add = (k: string, v: unknown) => {
    if (typeof v === 'string' && v) (links[k] ??= []).push(v);
  };
  if (object === 'Lead') {
    if (properties.IsConverted === true || properties.IsConverted === 'true') properties.IsConverted = true;
    add('contacts', properties.ConvertedContactId);
    add('accounts', properties.ConvertedAccountId);
    add('opportunities', properties.ConvertedOpportunityId);
  }
  if (object === 'Contact') add('accounts', properties.AccountId);
  if (object === 'Opportunity') add('accounts', properties.AccountId);
  if (object === 'OpportunityContactRole') {
    add('opportunities', properties.OpportunityId);
    add('contacts', properties.ContactId);
  }
  if (object === 'CampaignMember') {
    add('campaigns', properties.CampaignId);
    add('leads', properties.LeadId);
    add('contacts', properties.ContactId);
  }
  if (Object.keys(links).length) rec.associations = links;
  return rec;
}

/** Adds each Opportunity's contact roles as `associations.contacts` (and `contactRoles` on its properties). */
export function attachContactRoles(opps: CrmRecord[], roles: Record<string, unknown>[]): void {
  const byOpp = new Map<string, Record<string, unknown>[]>();
  for (const r of roles) {
    const k = String(r.OpportunityId);
    const list = byOpp.get(k) ?? [];
    list.push(r);
    byOpp.set(k, list);
  }
  for (const o of opps) {
    const list = byOpp.get(o.id) ?? [];
    o.properties.contactRoles = list.map((r) => ({
      contactId: r.ContactId,
      role: r.Role ?? null,
      isPrimary: r.IsPrimary === true || r.IsPrimary === 'true',
    }));
    o.associations = { ...(o.associations ?? {}), contacts: list.map((r) => String(r.ContactId)) };
  }
}
