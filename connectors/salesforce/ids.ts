/**
 * Salesforce record ids: a 15-character case-sensitive id, or the 18-character form that appends
 * a 3-character checksum of its letters' case (so case-insensitive systems can tell ids apart).
 */

const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character case checksum an 18-character id appends to `id15`. */
export function idChecksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(id15[chunk * 5 + i])) bits |= 1 << i;
    out += SUFFIX[bits];
  }
  return out;
}

/** The 15-character form of a well-formed id (an 18-character one only when its checksum holds), else null. */
export function canonicalId(id: string): string | null {
  if (/^[a-zA-Z0-9]{15}$/.test(id)) return id;
  if (/^[a-zA-Z0-9]{18}$/.test(id) && id.slice(15).toUpperCase() === idChecksum(id.slice(0, 15)))
    return id.slice(0, 15);
  return null;
}

/** True when both are well-formed ids of the same record (15 or 18 characters, compared exactly). */
export function sameSalesforceId(a: string, b: string): boolean {
  const x = canonicalId(a);
  return x !== null && x === canonicalId(b);
}
