/**
 * What the fake org refuses on a save through the API, in Salesforce's order and words: a field
 * the integration user cannot see or edit, a restricted picklist value, a string too long, a
 * required field missing on create, then the org's validation rules.
 */
import type { SaveError, SRecord, ValidationRule } from './records.ts';
import type { FakeField } from './schema.ts';

/** What the checks read of the org: its schema, field-level security and validation rules. */
export interface CheckedOrg {
  readonly schema: Record<string, FakeField[]>;
  readonly validationRules: readonly ValidationRule[];
  fieldOf(object: string, field: string): FakeField | undefined;
  grant(object: string, field: string): { read: boolean; edit: boolean };
}

/** Why the org refuses to save `changed` on `rec` of `object`, or null: the first problem, as Salesforce names it. */
export function saveError(
  org: CheckedOrg,
  object: string,
  rec: SRecord,
  changed: Record<string, unknown>,
  isCreate: boolean,
): SaveError | null {
  for (const [k, v] of Object.entries(changed)) {
    const f = org.fieldOf(object, k);
    if (!f)
      return {
        statusCode: 'INVALID_FIELD',
        message: `No such column '${k}' on sobject of type ${object}`,
        fields: [],
      };
    if ((f.readonly && k !== 'Id') || (f.needsGrant && !org.grant(object, f.name).edit))
      return {
        statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        message: `Unable to create/update fields: ${k}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        fields: [k],
      };
    if (f.type === 'picklist' && v !== null && v !== '' && !(f.picklist ?? []).includes(String(v))) {
      return {
        statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        message: `${f.name}: bad value for restricted picklist field: ${String(v)}`,
        fields: [f.name],
      };
    }
    if (f.length && typeof v === 'string' && v.length > f.length) {
      return {
        statusCode: 'STRING_TOO_LONG',
        message: `${f.name}: data value too large: ${v.slice(0, 20)}… (max length=${f.length})`,
        fields: [f.name],
      };
    }
  }
  if (isCreate) {
    const missing = (org.schema[object] ?? [])
      .filter((f) => f.required && (rec[f.name] === null || rec[f.name] === undefined || rec[f.name] === ''))
      .map((f) => f.name);
    if (missing.length)
      return {
        statusCode: 'REQUIRED_FIELD_MISSING',
        message: `Required fields are missing: [${missing.join(', ')}]`,
        fields: missing,
      };
  }
  for (const rule of org.validationRules) {
    if (rule.object !== object) continue;
    const msg = rule.check(rec);
    if (msg) return { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: msg, fields: [rule.field] };
  }
  return null;
}
