/** The front door of the inbox: stores items durably (one transaction) before anything is acknowledged. */
import type { Connector, InboxItem } from '../../../connectors/types.ts';
import type { Crm, Store } from '../../store/types.ts';
import type { Metrics } from '../metrics.ts';
import { heldChanges } from '../snapshots.ts';

export interface IngestResult {
  stored: number;
  duplicates: number;
  /** HubSpot changes to values the record already held (Baton's writes echoed back): nothing to do, not stored. */
  echoes: number;
}

/**
 * Inserts every item or none; duplicates (same source and dedup key) are counted, not stored again,
 * and so are echoes of Baton's own HubSpot writes (a burst of write-backs echoes five events a contact),
 * judged by the `connectors` (items of a CRM without one are all stored).
 */
export async function ingest(
  store: Store,
  metrics: Metrics | undefined,
  items: InboxItem[],
  connectors: Partial<Record<Crm, Connector>>,
): Promise<IngestResult> {
  if (items.length === 0) return { stored: 0, duplicates: 0, echoes: 0 };
  const result = await store.transaction((tx) => insertItems(tx, items, connectors));
  countReceived(metrics, items);
  return result;
}

/** The inserts of one delivery inside the caller's open transaction (or savepoint), echoes judged by the `connectors`; commits nothing. */
export async function insertItems(
  tx: Store,
  items: InboxItem[],
  connectors: Partial<Record<Crm, Connector>>,
): Promise<IngestResult> {
  let stored = 0;
  let duplicates = 0;
  let echoes = 0;
  const held = await heldChanges(tx, items, connectors);
  for (const item of items) {
    if (held.has(item)) {
      echoes++;
      continue;
    }
    const r = await tx.inboxInsert({
      source: item.source,
      dedupKey: item.dedupKey,
      body: item.body,
      receivedAt: item.receivedAt,
    });
    if (r.duplicate) duplicates++;
    else stored++;
  }
  return { stored, duplicates, echoes };
}

/** Counts committed items as received. */
export function countReceived(metrics: Metrics | undefined, items: InboxItem[]): void {
  if (metrics) for (const item of items) metrics.eventsReceived.inc({ source: item.source });
}
