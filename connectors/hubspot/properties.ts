/**
 * Which HubSpot properties Baton reads and writes, derived from `fields.yaml` once: exactly the
 * mapped fields, the modification dates, the engagement properties, and the `writeback.hubspot`
 * properties Baton owns.
 */
import type { FieldsConfig } from '../../src/config/schema.ts';
import { ENGAGEMENT_PROPERTIES } from './events.ts';

export interface PropertyPlan {
  contact: string[];
  /** Properties of the contact's primary company, read for `company.NAME` fields. */
  company: string[];
  deal: string[];
  /** Properties Baton writes, with the HubSpot type to create them with. */
  writes: { contact: WrittenProperty[]; deal: WrittenProperty[] };
}

export interface WrittenProperty {
  name: string;
  type: 'string' | 'number';
  fieldType: 'text' | 'number';
  label: string;
}

/** Deal property that makes a deal create idempotent across a crash. */
export const IDEMPOTENCY_PROPERTY = 'baton_idempotency_key';

const uniq = (xs: (string | undefined)[]) => [...new Set(xs.filter((x): x is string => !!x))];

function written(name: string, template: string): WrittenProperty {
  const numeric =
    /\{\{\s*scores\.(fit|engagement)\s*\}\}/.test(template.trim()) &&
    template.trim().startsWith('{{') &&
    template.trim().endsWith('}}');
  const label = name
    .replace(/^baton_/, 'Baton ')
    .replace(/_/g, ' ')
    .replace(/\b\w/g, (c) => c.toUpperCase());
  return numeric
    ? { name, type: 'number', fieldType: 'number', label }
    : { name, type: 'string', fieldType: 'text', label };
}

/** The read and write plan for one `fields.yaml`. */
export function planProperties(fields: FieldsConfig): PropertyPlan {
  const personNames = Object.values(fields.person.fields).map((f) => f.hubspot);
  const contactOwn = personNames.filter((n) => n && !n.startsWith('company.'));
  const companyOwn = personNames.filter((n) => n?.startsWith('company.')).map((n) => n!.slice('company.'.length));
  const wb = fields.writeback?.hubspot;
  const rejectReason = fields.feedback?.reject?.reason?.hubspot;
  const dealOwn = Object.values(fields.deal?.fields ?? {}).map((f) => f.hubspot);
  const contactWrites = Object.entries(wb?.contact ?? {}).map(([k, t]) => written(k, t));
  const dealWrites = Object.entries(wb?.deal ?? {}).map(([k, t]) => written(k, t));
  if (fields.deal?.create_in_hubspot)
    dealWrites.push({ name: IDEMPOTENCY_PROPERTY, type: 'string', fieldType: 'text', label: 'Baton Idempotency Key' });
  return {
    contact: uniq([
      'email',
      'lastmodifieddate',
      'createdate',
      'lifecyclestage',
      'hubspot_owner_id',
      ...contactOwn,
      rejectReason,
      ...contactWrites.map((w) => w.name),
      ...ENGAGEMENT_PROPERTIES,
    ]),
    company: uniq(['name', 'hs_lastmodifieddate', ...companyOwn]),
    deal: uniq([
      'dealname',
      'amount',
      'closedate',
      'dealstage',
      'pipeline',
      'createdate',
      'hs_lastmodifieddate',
      'hubspot_owner_id',
      ...dealOwn,
      ...dealWrites.map((w) => w.name),
    ]),
    writes: { contact: contactWrites, deal: dealWrites },
  };
}
