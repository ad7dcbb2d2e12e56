/**
 * Leads and Contacts this connector created in this process and has not yet sent a Task for: no
 * Task of Baton's can exist for them yet, so the first Task create for one needs no existence
 * check. Any later attempt checks, since the first may have reached Salesforce.
 */
import type { SalesforceClient } from './client.ts';

const FRESH_LIMIT = 50_000;
const fresh = new WeakMap<SalesforceClient, Set<string>>();

function setOf(client: SalesforceClient): Set<string> {
  let s = fresh.get(client);
  if (!s) fresh.set(client, (s = new Set()));
  return s;
}

/** Records a record id just created by `client`. */
export function markFresh(client: SalesforceClient, id: string): void {
  const s = setOf(client);
  if (s.size >= FRESH_LIMIT) s.delete(s.values().next().value as string);
  s.add(id);
}

/** True (once) when `id` was created by `client` and no Task was tried for it since; the mark is gone after. */
export function takeFresh(client: SalesforceClient, id: string): boolean {
  return setOf(client).delete(id);
}
