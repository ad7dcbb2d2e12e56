/** The fake org's record and save-result shapes, and Salesforce's datetime notation. */

export type SRecord = Record<string, unknown> & { Id: string };

export interface SaveError {
  statusCode: string;
  message: string;
  fields: string[];
}
export type SaveResult = { id: string | null; success: boolean; errors: SaveError[] };

/** Checks a record about to be saved; a string is the rule's error message. */
export type ValidationRule = { object: string; field: string; check: (rec: SRecord) => string | null };

/** Salesforce keeps datetimes to the second; the REST API prints them as `2026-12-01T19:01:11.000+0000`. */
export function sfDateTime(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('Z', '+0000');
}
