/**
 * What each sync rule of `fields.yaml` allows: which side is read, which side is written.
 * One table so reading, merging and writing never disagree.
 */
import type { CrmName } from '../platform/errors.ts';
import type { FieldDef, FieldsConfig, SyncRule } from '../config/schema.ts';

export type Section = 'person' | 'deal';

/** The other CRM. */
export function otherCrm(crm: CrmName): CrmName {
  return crm === 'hubspot' ? 'salesforce' : 'hubspot';
}

/** The field definitions of one section (`deal` may be absent from the file). */
export function sectionFields(fields: FieldsConfig, section: Section): Record<string, FieldDef> {
  return (section === 'person' ? fields.person.fields : fields.deal?.fields) ?? {};
}

/** One-way rules never read the side they write to. */
export function readsFrom(rule: SyncRule, crm: CrmName): boolean {
  if (rule === 'hubspot_to_salesforce') return crm === 'hubspot';
  if (rule === 'salesforce_to_hubspot') return crm === 'salesforce';
  return true;
}

/**
 * Whether the rule lets Baton write the merged value to `crm`. A winning side is never written
 * (its value is the truth), a one-way rule writes only towards its target; `fill_blanks` writes
 * both ways but only into blanks, and `prefer_X_unless_blank` writes to X only into a blank
 * (both decided by the writer, which knows the target's value).
 */
export function writesTo(rule: SyncRule, crm: CrmName): boolean {
  switch (rule) {
    case 'hubspot_wins':
    case 'hubspot_to_salesforce':
      return crm === 'salesforce';
    case 'salesforce_wins':
    case 'salesforce_to_hubspot':
      return crm === 'hubspot';
    default:
      return true;
  }
}

/** HubSpot `company.NAME` is read from the contact's primary company and never written. */
export function isCompanyProperty(crm: CrmName, name: string): boolean {
  return crm === 'hubspot' && name.startsWith('company.');
}
