/**
 * Hydration: turns changed ids (or records already read by a search page) into complete
 * `CrmRecord`s with as few calls as HubSpot allows — batch reads of ≤ 100 ids with exactly the
 * planned properties, v4 association batch reads of ≤ 1,000 ids, and one more batch read for the
 * primary companies, whose properties land on the contact as `company.NAME`.
 */
import type { CrmObject, CrmRecord } from '../types.ts';
import type { HubSpotApi } from './client.ts';
import type { PropertyPlan } from './properties.ts';

export type HubSpotType = 'contacts' | 'companies' | 'deals';

/** A record as the SDK returns it (search, list or batch read). */
export interface RawObject {
  id: string;
  properties: Record<string, string | null>;
  updatedAt?: Date | string;
}

interface AssociatedId {
  id: string;
  typeIds: number[];
  labels: string[];
}

export const READ_BATCH = 100;
export const ASSOC_BATCH = 1000;
/** contact → company "Primary" (HubSpot-defined association type 1). */
const PRIMARY_COMPANY_TYPE = 1;

export const TYPE_OF: Record<string, HubSpotType> = { contact: 'contacts', company: 'companies', deal: 'deals' };
const OBJECT_OF: Record<HubSpotType, CrmObject> = { contacts: 'contact', companies: 'company', deals: 'deal' };

export function chunk<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * Batch-reads `ids` (≤ 100 per call); ids HubSpot does not return are absent from the map. With
 * `idProperty` (e.g. `email`) the ids are values of that unique property and the map is keyed by
 * the record id.
 */
export async function batchRead(
  api: HubSpotApi,
  type: HubSpotType,
  ids: string[],
  properties: string[],
  idProperty?: string,
): Promise<Map<string, RawObject>> {
  const out = new Map<string, RawObject>();
  // The batches go out together; the account's limiter keeps the concurrency and the window.
  const pages = await Promise.all(
    chunk([...new Set(ids)], READ_BATCH).map((part) =>
      api.call('read', `batch read ${type}`, (sdk) =>
        sdk.crm.objects.batchApi.read(
          type,
          {
            inputs: part.map((id) => ({ id })),
            properties,
            propertiesWithHistory: [],
            ...(idProperty ? { idProperty } : {}),
          },
          false,
        ),
      ),
    ),
  );
  for (const res of pages)
    for (const r of res.results)
      out.set(String(r.id), { id: String(r.id), properties: r.properties, updatedAt: r.updatedAt });
  return out;
}

/** v4 batch read of associations (≤ 1,000 ids per call), following each id's own paging. */
export async function batchAssociations(
  api: HubSpotApi,
  from: HubSpotType,
  to: HubSpotType,
  ids: string[],
): Promise<Map<string, AssociatedId[]>> {
  const out = new Map<string, AssociatedId[]>();
  let pending: { id: string; after?: string }[] = [...new Set(ids)].map((id) => ({ id }));
  while (pending.length) {
    const next: { id: string; after?: string }[] = [];
    for (const part of chunk(pending, ASSOC_BATCH)) {
      const res = await api.call('associations', `associations ${from} → ${to}`, (sdk) =>
        sdk.crm.associations.v4.batchApi.getPage(from, to, { inputs: part }),
      );
      for (const r of res.results) {
        const fromId = String(r._from.id);
        const list = out.get(fromId) ?? [];
        for (const t of r.to) {
          list.push({
            id: String(t.toObjectId),
            typeIds: t.associationTypes.map((a) => a.typeId),
            labels: t.associationTypes.map((a) => a.label ?? '').filter(Boolean),
          });
        }
        out.set(fromId, list);
        if (r.paging?.next?.after) next.push({ id: fromId, after: r.paging.next.after });
      }
    }
    pending = next;
  }
  return out;
}

/** The contact's primary company: the one labelled Primary (type 1), else the first associated. */
export function primaryCompany(list: AssociatedId[] | undefined): string | undefined {
  if (!list?.length) return undefined;
  return (
    list.find((a) => a.typeIds.includes(PRIMARY_COMPANY_TYPE) || a.labels.some((l) => l.toLowerCase() === 'primary')) ??
    list[0]
  ).id;
}

function modifiedAt(type: HubSpotType, raw: RawObject): string {
  const v =
    type === 'contacts'
      ? (raw.properties.lastmodifieddate ?? raw.properties.hs_lastmodifieddate)
      : raw.properties.hs_lastmodifieddate;
  if (v) return new Date(/^\d+$/.test(v) ? Number(v) : Date.parse(v)).toISOString();
  return raw.updatedAt ? new Date(raw.updatedAt).toISOString() : new Date(0).toISOString();
}

/** Completes raw records of one type with their associations (and, for contacts, the primary company's properties). */
export async function hydrate(
  api: HubSpotApi,
  plan: PropertyPlan,
  type: HubSpotType,
  raws: RawObject[],
): Promise<CrmRecord[]> {
  const ids = raws.map((r) => r.id);
  if (!ids.length) return [];
  const records: CrmRecord[] = raws.map((raw) => ({
    crm: 'hubspot',
    object: OBJECT_OF[type],
    id: raw.id,
    modifiedAt: modifiedAt(type, raw),
    properties: { ...raw.properties },
  }));
  if (type === 'contacts') {
    const [companies, deals] = await Promise.all([
      batchAssociations(api, 'contacts', 'companies', ids),
      batchAssociations(api, 'contacts', 'deals', ids),
    ]);
    const primaryIds = new Map(ids.map((id) => [id, primaryCompany(companies.get(id))]));
    const needed = [...new Set([...primaryIds.values()].filter((x): x is string => !!x))];
    const companyProps =
      plan.company.length && needed.length
        ? await batchRead(api, 'companies', needed, plan.company)
        : new Map<string, RawObject>();
    for (const rec of records) {
      const primary = primaryIds.get(rec.id);
      const others = (companies.get(rec.id) ?? []).map((a) => a.id).filter((c) => c !== primary);
      rec.associations = {
        companies: primary ? [primary, ...others] : others,
        deals: (deals.get(rec.id) ?? []).map((a) => a.id),
      };
      const company = primary ? companyProps.get(primary) : undefined;
      for (const name of plan.company) rec.properties[`company.${name}`] = company?.properties[name] ?? null;
    }
  } else if (type === 'deals') {
    const [contacts, companies] = await Promise.all([
      batchAssociations(api, 'deals', 'contacts', ids),
      batchAssociations(api, 'deals', 'companies', ids),
    ]);
    for (const rec of records)
      rec.associations = {
        contacts: (contacts.get(rec.id) ?? []).map((a) => a.id),
        companies: (companies.get(rec.id) ?? []).map((a) => a.id),
      };
  } else {
    const contacts = await batchAssociations(api, 'companies', 'contacts', ids);
    for (const rec of records) rec.associations = { contacts: (contacts.get(rec.id) ?? []).map((a) => a.id) };
  }
  return records;
}

/** Properties to read for one object type. */
export function propertiesFor(plan: PropertyPlan, type: HubSpotType): string[] {
  return type === 'contacts' ? plan.contact : type === 'deals' ? plan.deal : plan.company;
}
