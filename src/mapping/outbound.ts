/** Writing vocabulary values to one CRM record: which fields, in which representation, cut to fit. */
import type { CrmName } from '../platform/errors.ts';
import type { FieldsConfig } from '../config/schema.ts';
import { toCrmValue } from './convert.ts';
import { onObject, type FieldError } from './inbound.ts';
import { isBlank } from './normalize.ts';
import { isCompanyProperty, sectionFields, writesTo, type Section } from './rules.ts';
import { truncate } from './truncate.ts';
import { crmValue } from './values.ts';

export { truncate };

/** HubSpot's limit for a property value, in characters. */
export const HUBSPOT_MAX_LENGTH = 65_536;

/** Fields Salesforce requires on create when describe is not at hand. */
export const REQUIRED_ON_CREATE: Readonly<Record<string, readonly string[]>> = {
  Lead: ['LastName', 'Company'],
  Contact: ['LastName'],
  Opportunity: ['Name', 'StageName', 'CloseDate'],
};

export interface WriteOptions {
  /** The target record's current values by CRM field name; needed for `fill_blanks` on updates. */
  target?: Record<string, unknown>;
  /** The target object (`Lead`, `Contact`, `contact`, …). */
  object?: string;
  /** Fields the target object has (Salesforce describe); without it a Contact skips Lead-only fields. */
  objectFields?: ReadonlySet<string>;
  /** Maximum lengths by CRM field name (Salesforce describe `length`). */
  fieldLengths?: Record<string, number>;
  /** Fields that must not be blank (describe: not nillable, not defaulted); else `REQUIRED_ON_CREATE`. */
  required?: ReadonlySet<string>;
  create?: boolean;
}

export interface WriteResult {
  properties: Record<string, unknown>;
  errors: FieldError[];
}

function requiredFields(crm: CrmName, opts: WriteOptions): ReadonlySet<string> {
  if (opts.required) return opts.required;
  if (crm !== 'salesforce' || !opts.object) return new Set();
  return new Set(REQUIRED_ON_CREATE[opts.object] ?? []);
}

/**
 * The properties to send to `crm` for these vocabulary values. Only fields whose rule writes to
 * `crm` and that the object has; `fill_blanks` (and `prefer_X_unless_blank` towards X) only
 * into a blank target; a required field that
 * would be blank gets its `default`; strings are cut to the field's length. A value that does
 * not convert or map is reported in `errors` and not written.
 */
export function toCrm(
  section: Section,
  fields: FieldsConfig,
  crm: CrmName,
  values: Record<string, unknown>,
  opts: WriteOptions = {},
): WriteResult {
  const properties: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  const required = requiredFields(crm, opts);
  for (const [name, def] of Object.entries(sectionFields(fields, section))) {
    const crmName = def[crm];
    if (crmName === undefined || isCompanyProperty(crm, crmName) || !writesTo(def.sync, crm)) continue;
    if (crm === 'salesforce' && !onObject(crmName, opts.object, opts.objectFields)) continue;
    // The preferred side is written only to fill its blank: its own value already wins, and
    // writing it back could overwrite a newer edit made there since it was read.
    const fillOnly = def.sync === 'fill_blanks' || def.sync === `prefer_${crm}_unless_blank`;
    if (fillOnly) {
      const current = opts.target?.[crmName];
      const knownBlank = opts.create || (opts.target !== undefined && isBlank(current));
      if (!knownBlank) continue;
    }
    let value = values[name];
    const mustHave = required.has(crmName);
    if (value === undefined && !(opts.create && mustHave)) continue;
    if (isBlank(value) && fillOnly && !mustHave) continue;
    let usingDefault = false;
    if (isBlank(value) && mustHave) {
      if (def.default === undefined) {
        errors.push({
          field: name,
          message: `${section}.${name} (${crm} ${crmName}): required and blank, and no default is set`,
        });
        continue;
      }
      value = def.default;
      usingDefault = true;
    }
    let converted = def.values ? crmValue(def.values, crm, value) : toCrmValue(def.type, crm, value);
    // A default may name a shared value or be the literal to write.
    if (!converted.ok && usingDefault) converted = toCrmValue(def.type, crm, value);
    if (!converted.ok) {
      errors.push({ field: name, message: `${section}.${name} (${crm} ${crmName}): ${converted.message}` });
      continue;
    }
    let out = converted.value;
    const max = opts.fieldLengths?.[crmName] ?? (crm === 'hubspot' ? HUBSPOT_MAX_LENGTH : undefined);
    if (typeof out === 'string' && max !== undefined) out = truncate(out, max);
    properties[crmName] = out;
  }
  return { properties, errors };
}
