/** ISO 8601 helpers: one canonical UTC spelling so equal instants compare and hash equal. */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/;
const EPOCH_MS = /^-?\d{9,}$/;

/** `2026-11-24T14:00:00Z`: UTC, milliseconds only when they are not zero. */
export function isoUtc(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function isoDateUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** True for a calendar date written `YYYY-MM-DD`. */
export function isDateOnly(text: string): boolean {
  const m = ISO_DATE.exec(text);
  return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/**
 * Milliseconds of an instant given as epoch milliseconds (number or digit string), an ISO date
 * (midnight UTC) or an ISO date-time (`Z`, `+01:00`, Salesforce's `+0000`; no zone means UTC).
 * `undefined` for anything else, including impossible dates.
 */
export function parseInstant(raw: unknown): number | undefined {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? undefined : raw.getTime();
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (EPOCH_MS.test(text)) return Number(text);
  if (ISO_DATE.test(text)) {
    if (!isDateOnly(text)) return undefined;
    return Date.parse(`${text}T00:00:00Z`);
  }
  const m = ISO_DATETIME.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = m[1].split('-').map(Number);
  if (!validDate(y, mo, d)) return undefined;
  let zone = m[3] ?? 'Z';
  if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}
