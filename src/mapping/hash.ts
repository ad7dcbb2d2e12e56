/** A stable fingerprint of desired state, so an unchanged write is recognised and skipped. */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level; `undefined` members dropped, as JSON does. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
        const sorted: Record<string, unknown> = {};
        for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
        return sorted;
      }
      return v;
    }) ?? 'undefined'
  );
}

/** sha256 (hex) of the canonical JSON of `value`. */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
