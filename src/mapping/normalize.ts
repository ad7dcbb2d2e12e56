/** Blankness and email normalization shared by reading, merging and writing. */

/** Missing means absent, `null`, or a blank string (`agreement.md`, "Edge cases"). */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** The person key: lower-cased and trimmed; `null` for a blank or non-string value. */
export function normalizeEmail(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const email = value.trim().toLowerCase();
  return email === '' ? null : email;
}
