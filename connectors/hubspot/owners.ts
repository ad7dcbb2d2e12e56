/**
 * HubSpot owners by email (`GET /crm/v3/owners`, paged), so a contact's `hubspot_owner_id` can
 * name the HubSpot owner whose email equals the Salesforce owner's.
 */
import type { HubSpotApi } from './client.ts';

/** Every active owner's id by lower-cased email. */
export async function ownerIdsByEmail(api: HubSpotApi): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let after: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await api.call('read', 'list owners', (sdk) =>
      sdk.crm.owners.ownersApi.getPage(undefined, after, 500, false),
    );
    for (const o of res.results) if (o.email) out.set(o.email.trim().toLowerCase(), String(o.id));
    after = res.paging?.next?.after;
    if (!after) break;
  }
  return out;
}
