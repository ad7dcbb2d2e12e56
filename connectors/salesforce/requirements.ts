/**
 * What a configuration needs from a Salesforce org, from `fields.yaml` alone: the person fields it
 * reads and writes (on Lead, and on Contact once converted), the Opportunity fields, the picklist
 * values it names, and the custom fields Baton owns (`Baton_*__c`, created by `baton setup`).
 */
import type { FieldsConfig } from '../../src/config/schema.ts';
import { dealFieldNames, personFieldNames } from './fields.ts';

/** Sync rules under which Baton writes a mapped field to Salesforce. */
const WRITES_SALESFORCE = new Set([
  'two_way',
  'hubspot_wins',
  'prefer_hubspot_unless_blank',
  'prefer_salesforce_unless_blank',
  'hubspot_to_salesforce',
  'fill_blanks',
]);

export interface OwnedField {
  name: string;
  label: string;
  /** Tooling API metadata type. */
  type: 'Text' | 'Number' | 'DateTime';
}

export interface PicklistNeed {
  object: 'Lead' | 'Opportunity';
  field: string;
  values: string[];
}

/** Person fields Baton writes to Salesforce (write-back templates and the fields its sync rules send). */
export function writtenPersonFields(fields: FieldsConfig): string[] {
  const out = new Set(Object.keys(fields.writeback?.salesforce?.person ?? {}));
  for (const def of Object.values(fields.person.fields))
    if (def.salesforce && WRITES_SALESFORCE.has(def.sync ?? 'two_way')) out.add(def.salesforce);
  return [...out];
}

/** Person fields fields.yaml names (read or written). */
export function personFields(fields: FieldsConfig): string[] {
  return personFieldNames(fields);
}

/** Opportunity fields fields.yaml names. */
export function opportunityFields(fields: FieldsConfig): string[] {
  return dealFieldNames(fields);
}

function ownedType(template: string | undefined): OwnedField['type'] {
  const t = (template ?? '').trim();
  if (/^\{\{\s*scores\.(fit|engagement)\s*\}\}$/.test(t)) return 'Number';
  if (/^\{\{\s*sla\.due\s*\}\}$/.test(t)) return 'DateTime';
  return 'Text';
}

/** The `Baton_*__c` fields Baton owns on Lead and Contact, with the type to create them with. */
export function ownedPersonFields(fields: FieldsConfig): OwnedField[] {
  const templates = (fields.writeback?.salesforce?.person ?? {}) as Record<string, string>;
  return personFieldNames(fields)
    .filter((n) => /^Baton_\w+__c$/.test(n))
    .map((name) => ({ name, label: name.replace(/__c$/, '').replace(/_/g, ' '), type: ownedType(templates[name]) }));
}

/** Every picklist value fields.yaml names, per field. */
export function picklistNeeds(fields: FieldsConfig): PicklistNeed[] {
  const out: PicklistNeed[] = [];
  const collect = (
    object: PicklistNeed['object'],
    defs: Record<string, { salesforce?: string; values?: Record<string, { salesforce?: unknown }> }>,
  ) => {
    for (const def of Object.values(defs)) {
      const values = Object.values(def.values ?? {}).flatMap((v) =>
        v.salesforce === undefined ? [] : [String(v.salesforce)],
      );
      if (def.salesforce && values.length) out.push({ object, field: def.salesforce, values });
    }
  };
  collect('Lead', fields.person.fields);
  if (fields.deal) collect('Opportunity', fields.deal.fields);
  return out;
}
