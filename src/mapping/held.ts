/**
 * Which values a CRM record already holds, compared as the CRM gives them back (a number for
 * `"40"`, a datetime cut to seconds, an email in another case), so an unchanged value is never
 * written again. Pure: the caller passes what the record holds (its snapshot's `props`).
 */
import { normalizeEmail } from './normalize.ts';
import { sameValue } from './sync.ts';

/** What a record holds as far as Baton knows: a snapshot (`RecordSnapshot` of store/keys.ts) or any object with its props. */
export interface HeldValues {
  props: Record<string, unknown>;
}

/** Equal as the CRM holds them; an email differing only in case or spaces is the same address. */
function held(snap: HeldValues, key: string, value: unknown, emailKey: string | undefined): boolean {
  if (!Object.hasOwn(snap.props, key)) return false;
  if (key === emailKey) return normalizeEmail(snap.props[key]) === normalizeEmail(value);
  return sameValue(snap.props[key], value) || sameAsStored(snap.props[key], value);
}

const NUMBER = /^-?\d+(\.\d+)?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** How CRMs give values back: a number for `"40"`, a datetime cut to seconds in another notation. */
function sameAsStored(stored: unknown, written: unknown): boolean {
  const a = String(stored ?? '');
  const b = String(written ?? '');
  if (NUMBER.test(a) && NUMBER.test(b)) return Number(a) === Number(b);
  if (DATETIME.test(a) && DATETIME.test(b)) {
    const x = Date.parse(a.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    const y = Date.parse(b.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isFinite(x) && Number.isFinite(y) && Math.floor(x / 1000) === Math.floor(y / 1000);
  }
  return false;
}

/** `props` without the values the record already holds (as the CRM gives them back). */
export function unchangedDropped(
  props: Record<string, unknown>,
  snap: HeldValues | null | undefined,
  emailKey?: string,
): Record<string, unknown> {
  if (!snap) return props;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) if (!held(snap, k, v, emailKey)) out[k] = v;
  return out;
}
