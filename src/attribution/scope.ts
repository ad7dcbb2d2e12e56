/** Whose touches count for a deal under `attribution.scope`. Pure. */
import type { AttributionScope } from '../config/schema.ts';

export type { AttributionScope };

/**
 * The people whose touches count: under `contact_roles` the deal's own people (contact roles,
 * associated contacts, the converted Lead); under `account` also everyone on the deal's Account
 * or company (`onAccounts`), so a buying group without contact roles is credited. Ascending ids.
 */
export function peopleInScope(
  deal: { personIds: readonly number[] },
  scope: AttributionScope,
  onAccounts: readonly number[],
): number[] {
  const ids = new Set(deal.personIds);
  if (scope === 'account') for (const id of onAccounts) ids.add(id);
  return [...ids].sort((a, b) => a - b);
}
