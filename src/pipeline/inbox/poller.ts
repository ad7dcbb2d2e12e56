/**
 * Incremental polls of one CRM under a named lease (one instance polls at a time) and a stored
 * cursor. Polled records enter the same inbox path as webhooks, deduplicated by id and
 * modification time, so a poll and a webhook for the same change are one item.
 */
import type { CrmRecord, InboxItem } from '../../../connectors/types.ts';
import type { Crm } from '../../store/types.ts';
import type { PipelineContext } from '../context.ts';
import { ingest } from './ingest.ts';

/** The inbox item for records read by a poll or a backfill. */
export function recordItems(crm: Crm, records: CrmRecord[], receivedAt: string, via: 'poll' | 'backfill'): InboxItem[] {
  return records.map((r) => ({
    source: crm,
    dedupKey: `${via}:${r.object}:${r.id}:${r.modifiedAt}`,
    receivedAt,
    body: { kind: 'records', records: [r] },
  }));
}

/** Polls `crm` until it has no more pages now (at most `maxPages`); returns the records stored. */
export async function pollOnce(ctx: PipelineContext, crm: Crm, leaseMs: number, maxPages = 20): Promise<number> {
  const connector = ctx.connectors[crm];
  if (!connector) return 0;
  const lease = `poll:${crm}`;
  if (!(await ctx.store.acquireLease(lease, ctx.instanceId, leaseMs, ctx.now().toISOString()))) return 0;
  let stored = 0;
  try {
    let cursor = await ctx.store.getCursor(lease);
    for (let page = 0; page < maxPages; page++) {
      // Renewed per page: a poll slowed by the CRM's limits keeps its lease, and one that lost it
      // (paused past it) stops instead of moving a cursor another instance now owns.
      if (page > 0 && !(await ctx.store.acquireLease(lease, ctx.instanceId, leaseMs, ctx.now().toISOString()))) break;
      const result = await connector.poll(cursor);
      ctx.metrics.apiCalls.inc({ crm, outcome: 'ok' });
      stored += (
        await ingest(
          ctx.store,
          ctx.metrics,
          recordItems(crm, result.records, ctx.now().toISOString(), 'poll'),
          ctx.connectors,
        )
      ).stored;
      // Cursor after the records are stored: a crash in between re-reads a page, never skips one.
      if (result.cursor !== cursor) await ctx.store.setCursor(lease, result.cursor);
      cursor = result.cursor;
      if (!result.more) break;
    }
  } catch (err) {
    ctx.metrics.apiCalls.inc({ crm, outcome: 'error' });
    throw err;
  }
  return stored;
}
