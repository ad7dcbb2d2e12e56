/** Reading a CRM record's properties into vocabulary values, field by field, never throwing. */
import type { CrmName } from '../platform/errors.ts';
import type { FieldsConfig } from '../config/schema.ts';
import { toVocab } from './convert.ts';
import { readsFrom, sectionFields, type Section } from './rules.ts';
import { sharedValue } from './values.ts';

/** A field that could not be read or written; the record goes on without it. */
export interface FieldError {
  field: string;
  message: string;
}

export interface ReadResult {
  values: Record<string, unknown>;
  errors: FieldError[];
}

/** Salesforce fields that exist on Leads only: a Contact has none of them (`mappings.md`). */
export const LEAD_ONLY_FIELDS: ReadonlySet<string> = new Set([
  'Company',
  'Status',
  'Industry',
  'AnnualRevenue',
  'NumberOfEmployees',
  'Rating',
  'Website',
  'IsConverted',
  'ConvertedDate',
  'ConvertedAccountId',
  'ConvertedContactId',
  'ConvertedOpportunityId',
]);

/** Whether a Salesforce field is on `object`: by describe when known, else by the Lead-only list. */
export function onObject(name: string, object: string | undefined, objectFields?: ReadonlySet<string>): boolean {
  if (objectFields) return objectFields.has(name);
  return object !== 'Contact' || !LEAD_ONLY_FIELDS.has(name);
}

/**
 * The vocabulary values of one CRM record. A field whose CRM name is absent from `properties`
 * was not told and is left out (blank is `null` or `""`); a value that does not convert or is
 * not in the field's `values` map is reported in `errors` and left out.
 */
export function fromCrm(
  section: Section,
  fields: FieldsConfig,
  crm: CrmName,
  properties: Record<string, unknown>,
  object?: string,
  objectFields?: ReadonlySet<string>,
): ReadResult {
  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [name, def] of Object.entries(sectionFields(fields, section))) {
    const crmName = def[crm];
    if (crmName === undefined || !readsFrom(def.sync, crm)) continue;
    if (crm === 'salesforce' && !onObject(crmName, object, objectFields)) continue;
    if (!Object.hasOwn(properties, crmName)) continue;
    const raw = properties[crmName];
    const result = def.values ? sharedValue(def.values, crm, raw) : toVocab(def.type, raw);
    if (result.ok) values[name] = result.value;
    else errors.push({ field: name, message: `${section}.${name} (${crm} ${crmName}): ${result.message}` });
  }
  return { values, errors };
}
