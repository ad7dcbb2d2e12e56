/** Picklist `values` maps: a CRM value ⇄ the shared value named in `fields.yaml`. */
import type { CrmName } from '../platform/errors.ts';
import type { FieldDef } from '../config/schema.ts';
import type { Converted } from './convert.ts';
import { isBlank } from './normalize.ts';

type ValuesMap = NonNullable<FieldDef['values']>;

/** The shared value whose `crm` side equals `raw` (compared as strings); unmapped is a failure. */
export function sharedValue(values: ValuesMap, crm: CrmName, raw: unknown): Converted {
  if (isBlank(raw)) return { ok: true, value: null };
  const text = String(raw);
  for (const [shared, sides] of Object.entries(values)) {
    const own = sides[crm];
    if (own !== undefined && String(own) === text) return { ok: true, value: shared };
  }
  return { ok: false, message: `${crm} value '${text}' is not in the values map` };
}

/** The `crm` value of a shared value; a shared value the map lacks (or lacks for `crm`) is a failure. */
export function crmValue(values: ValuesMap, crm: CrmName, shared: unknown): Converted {
  if (isBlank(shared)) return { ok: true, value: crm === 'hubspot' ? '' : null };
  const key = String(shared);
  const own = Object.hasOwn(values, key) ? values[key][crm] : undefined;
  if (own === undefined) return { ok: false, message: `shared value '${key}' has no ${crm} value in the values map` };
  return { ok: true, value: crm === 'hubspot' ? String(own) : own };
}
