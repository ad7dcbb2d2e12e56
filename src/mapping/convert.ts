/**
 * Type conversion between a CRM's representation and the shared vocabulary's: `string`,
 * `number`, `boolean`, `date` (`YYYY-MM-DD`) and `datetime` (ISO 8601 UTC). HubSpot sends and
 * takes everything as strings; Salesforce has native numbers and booleans.
 */
import type { CrmName } from '../platform/errors.ts';
import type { FieldType } from '../config/schema.ts';
import { isBlank } from './normalize.ts';
import { isoDateUtc, isoUtc, parseInstant } from './time.ts';

export type Converted = { ok: true; value: unknown } | { ok: false; message: string };

const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function fail(type: FieldType, raw: unknown): Converted {
  const shown = typeof raw === 'string' ? `'${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}'` : String(raw);
  return { ok: false, message: `expected a ${type}, got ${shown}` };
}

/** A value in any accepted spelling → the vocabulary's canonical value; blank → `null`. */
export function toVocab(type: FieldType, raw: unknown): Converted {
  if (isBlank(raw)) return { ok: true, value: null };
  switch (type) {
    case 'string':
      if (typeof raw === 'string') return { ok: true, value: raw };
      if (typeof raw === 'number' || typeof raw === 'boolean') return { ok: true, value: String(raw) };
      return fail(type, raw);
    case 'number': {
      if (typeof raw === 'number') return Number.isFinite(raw) ? { ok: true, value: raw } : fail(type, raw);
      if (typeof raw === 'string' && PLAIN_NUMBER.test(raw.trim())) return { ok: true, value: Number(raw.trim()) };
      return fail(type, raw);
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const text = String(raw).trim().toLowerCase();
      if (text === 'true' || text === '1') return { ok: true, value: true };
      if (text === 'false' || text === '0') return { ok: true, value: false };
      return fail(type, raw);
    }
    case 'date': {
      const ms = parseInstant(raw);
      return ms === undefined ? fail(type, raw) : { ok: true, value: isoDateUtc(ms) };
    }
    case 'datetime': {
      const ms = parseInstant(raw);
      return ms === undefined ? fail(type, raw) : { ok: true, value: isoUtc(ms) };
    }
  }
}

/**
 * A vocabulary value → what the CRM's API takes. A blank clears the field: HubSpot takes `""`,
 * Salesforce `null`. HubSpot date properties take `YYYY-MM-DD` (midnight UTC), date-times ISO.
 */
export function toCrmValue(type: FieldType, crm: CrmName, value: unknown): Converted {
  const canonical = toVocab(type, value);
  if (!canonical.ok) return canonical;
  const v = canonical.value;
  if (v === null) return { ok: true, value: crm === 'hubspot' ? '' : null };
  if (crm === 'salesforce') return { ok: true, value: v };
  return { ok: true, value: String(v) };
}
