/**
 * Folds a deal record (HubSpot deal, Salesforce Opportunity) into the store — fields merged by
 * the deal sync rules, the people on it (associated contacts, contact roles) — and names the
 * people whose stage it may move.
 */
import type { CrmRecord } from '../../../connectors/types.ts';
import type { FieldsConfig } from '../../config/schema.ts';
import { mergeFields, type FieldSources } from '../../mapping/index.ts';
import { fromCrm } from '../../mapping/index.ts';
import type { Crm, DealRow, Store } from '../../store/types.ts';
import { getKv, kv } from '../../store/keys.ts';
import { observe } from '../snapshots.ts';
import { dealAccounts } from './record-accounts.ts';
import type { DealChange } from '../deal-change.ts';

export const DEAL_OBJECTS = new Set(['deal', 'Opportunity']);

/** Upserts the deal of `record`; returns it with the fields that changed. */
export async function applyDealRecord(tx: Store, fields: FieldsConfig, record: CrmRecord): Promise<DealChange> {
  const crm = record.crm as Crm;
  // a HubSpot deal Baton created for an Opportunity is that Opportunity's deal, not a second one
  const linked = crm === 'hubspot' ? await getKv(tx, kv.dealLink(record.id)) : undefined;
  const key = linked ?? `${crm}:${record.id}`;
  const before = await tx.getDeal(key);
  // what the CRM's deal holds now, so a write-back leaves out only values it really has
  await observe(tx, crm, record.object, record.id, record.properties, record.modifiedAt);
  const read = fromCrm('deal', fields, crm, record.properties, record.object);
  const sources = ((before?.fields as Record<string, unknown> | undefined)?.$sources ?? {}) as FieldSources;
  const merged = mergeFields('deal', fields, sources, { crm, values: read.values, modifiedAt: record.modifiedAt });
  const personIds = new Set(before?.personIds ?? []);
  const contactIds = [...(record.associations?.contacts ?? []), ...(record.associations?.contactRoles ?? [])];
  for (const id of contactIds) {
    const p = await tx.findPersonByCrmId(crm, id);
    if (p) personIds.add(p.id);
  }
  const created = (record.properties.createdate ?? record.properties.CreatedDate) as string | undefined;
  const deal: DealRow = {
    key,
    hubspotId: crm === 'hubspot' ? record.id : (before?.hubspotId ?? null),
    salesforceId: crm === 'salesforce' ? record.id : (before?.salesforceId ?? null),
    fields: { ...merged.values, $sources: merged.sources },
    personIds: [...personIds],
    createdAt: created ? new Date(created).toISOString() : (before?.createdAt ?? null),
    updatedAt: record.modifiedAt,
    accounts: dealAccounts(record, before?.accounts),
  };
  await tx.upsertDeal(deal);
  const addedPeople = deal.personIds.length !== (before?.personIds.length ?? 0);
  return { deal, before, changed: addedPeople ? [...merged.changed, 'contacts'] : merged.changed };
}
