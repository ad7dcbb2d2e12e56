/** The front door of the inbox: stores items durably (one transaction) before anything is acknowledged. */
import type { InboxItem } from '../../connectors/types.ts';
import type { Store } from '../store/types.ts';
import type { Metrics } from './metrics.ts';

export interface IngestResult {
  stored: number;
  duplicates: number;
}

/** Inserts every item or none; duplicates (same source and dedup key) are counted, not stored again. */
export async function ingest(store: Store, metrics: Metrics | undefined, items: InboxItem[]): Promise<IngestResult> {
  if (items.length === 0) return { stored: 0, duplicates: 0 };
  const result = await store.transaction(async (tx) => {
    let stored = 0;
    let duplicates = 0;
    for (const item of items) {
      const r = await tx.inboxInsert({ source: item.source, dedupKey: item.dedupKey, body: item.body, receivedAt: item.receivedAt });
      if (r.duplicate) duplicates++;
      else stored++;
    }
    return { stored, duplicates };
  });
  for (const item of items) metrics?.eventsReceived.inc({ source: item.source });
  return result;
}
