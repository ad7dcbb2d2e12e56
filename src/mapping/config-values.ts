/**
 * Whether a value a CRM refused is the configuration's rather than the record's: a value Baton
 * writes from `fields.yaml` (a `writeback` template, a `values` table entry, HubSpot's lifecycle
 * stage) is refused for every record that gets it, so it is a setup problem, not a bad record.
 */
import type { FieldsConfig } from '../config/schema.ts';

type Crm = 'hubspot' | 'salesforce';

/** True when `fields.yaml` makes Baton write `value` into `field` of `crm` for whichever record qualifies. */
export function isConfiguredValue(fields: FieldsConfig, crm: Crm, field: string, value: string): boolean {
  const wb = fields.writeback;
  if (crm === 'hubspot') {
    if (field === 'lifecyclestage' && wb?.hubspot?.lifecyclestage) return true;
    if (Object.hasOwn(wb?.hubspot?.contact ?? {}, field) || Object.hasOwn(wb?.hubspot?.deal ?? {}, field)) return true;
  } else if (Object.hasOwn(wb?.salesforce?.person ?? {}, field)) return true;
  const defs = [...Object.values(fields.person.fields), ...Object.values(fields.deal?.fields ?? {})];
  return defs.some(
    (d) =>
      d[crm] === field &&
      (String(d.default ?? '') === value ||
        Object.values(d.values ?? {}).some((v) => v[crm] !== undefined && String(v[crm]) === value)),
  );
}
