/** The loop guard: Baton's own writes come back through polls and Outbound Messages and must not cause new work. */
import type { CrmRecord } from '../types.ts';
import { normalizeSfDate } from './soql.ts';

/** Equal as Salesforce gives values back (blank as null, numbers and datetimes in any notation). */
export function sameSalesforceValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || a === '') return b === null || b === undefined || b === '';
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  if (typeof a === 'string' && typeof b === 'string') {
    const da = Date.parse(normalizeSfDate(a));
    const db = Date.parse(normalizeSfDate(b));
    if (/^\d{4}-\d{2}-\d{2}T/.test(a) && /^\d{4}-\d{2}-\d{2}T/.test(b) && !Number.isNaN(da))
      return Math.floor(da / 1000) === Math.floor(db / 1000);
  }
  return String(a) === String(b);
}

/**
 * True when `record` is only the echo of Baton's last write: changed by Baton's integration user
 * and every value Baton wrote is still there. Any other change — another user's, or a field Baton
 * wrote that has since moved — is real work.
 */
export function isBatonEcho(
  record: CrmRecord,
  integrationUserId: string | undefined,
  lastWritten: Record<string, unknown> | undefined,
): boolean {
  if (!integrationUserId || !lastWritten || record.changedBy !== integrationUserId) return false;
  return Object.entries(lastWritten).every(([k, v]) => sameSalesforceValue(record.properties[k], v));
}
