import { BatonError } from '../../src/platform/errors.ts';
/** Pure SOQL building: literal quoting, IN lists chunked under the URI limit, and the poll cursor clause. */

/** A SOQL string literal: backslash and quote escaped, as the SOQL reference requires. */
export function soqlString(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/**
 * A SOQL `LIKE` literal matching values that contain `v`: the string is quoted as `soqlString`
 * does, and its own `%` and `_` are escaped (`\%`, `\_`, valid in LIKE only), so they match
 * themselves instead of any text.
 */
export function soqlLikeContains(v: string): string {
  const inner = soqlString(v).slice(1, -1).replace(/[%_]/g, '\\$&');
  return `'%${inner}%'`;
}

/**
 * Splits `values` into IN lists whose quoted text stays under `maxChars`. Queries go out as GET
 * URIs (about 16,000 characters at most), so the budget is kept well under that once encoded.
 */
export function chunkForIn(values: string[], maxChars = 9000, maxItems = 800): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let len = 0;
  for (const v of values) {
    const l = soqlString(v).length + 1;
    if (cur.length && (len + l > maxChars || cur.length >= maxItems)) {
      out.push(cur);
      cur = [];
      len = 0;
    }
    cur.push(v);
    len += l;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** `Field IN ('a','b')`. */
export function inList(field: string, values: string[]): string {
  return `${field} IN (${values.map(soqlString).join(',')})`;
}

/** A SOQL datetime literal. Salesforce keeps datetimes to the second, so seconds lose nothing. */
export function soqlDateTime(iso: string): string {
  const d = new Date(normalizeSfDate(iso));
  if (Number.isNaN(d.getTime())) throw new BatonError('bad_datetime', `not a datetime: ${iso}`);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `2026-12-01T19:01:11.000+0000` (Salesforce) → `2026-12-01T19:01:11.000Z` (ISO). */
export function normalizeSfDate(v: string): string {
  return v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/\+00:00$/, 'Z');
}

/**
 * Records after the cursor position in (SystemModstamp, Id) order, so records sharing one
 * timestamp are neither skipped nor repeated across pages.
 */
export function afterCursor(pos: { ts: string; id: string } | undefined): string {
  if (!pos) return '';
  const ts = soqlDateTime(pos.ts);
  return `(SystemModstamp > ${ts} OR (SystemModstamp = ${ts} AND Id > ${soqlString(pos.id)}))`;
}
